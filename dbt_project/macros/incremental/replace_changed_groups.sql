{#-
  Incremental canonical models that rewrite only the record groups touched since the last run
  (a voucher with its lines, an order with its lines), giving the same rows as a full build.

  A model describes its increment in a macro returning a dict (see document_increment.sql):
  group_key (the column naming the group), inputs (the raw entities it reads, each with the
  expression giving a raw row's group, and `moves` when that column is not part of the
  record's key; or, with no expression, `whole_source`: a newer batch rebuilds every group of
  that source) and dimensions (the lookups it joins). The canonical documents take their
  inputs from the source registry (document_increment()). It opts in with
      materialized='incremental', incremental_strategy='append', on_schema_change='fail',
      pre_hook=["{{ increment_scope(<m>_increment()) }}",
                "{{ increment_record_batches(<m>_increment()) }}",
                "{{ increment_delete_scope(<m>_increment()) }}"],
      post_hook=["{{ increment_snapshot_dimensions(<m>_increment()) }}"]
  and, in its body, keeps only `{{ in_increment_scope('<group expression>') }}` when
  is_incremental(). Before the insert, in the model's transaction, the pre-hooks:
    1. write the groups to rebuild into incremental_state.<model>__scope:
       - every group with a raw row (any version, tombstones included) in a batch newer than
         the newest batch of that entity the last run saw (incremental_state.<model>__batches).
         The group is then recomputed from the staging views, which apply the latest-version
         rule (greatest _batch_id per _source_pk, tombstoned records dropped;
         docs/interfaces.md), so changes and deletes of records landed long ago are exact;
       - every group of a stored row that looked up a dimension row (crosswalk, exchange-rate
         range, legal entity) which changed since the last run: the dimensions are snapshotted
         after each run (incremental_state.<model>__dims) and compared;
       - everything, when there is no state yet or a dimension the rows do not keep a key of
         (the legal entity mapping) changed: then the run is a full rebuild in place;
    2. record the newest batch of each input now (what the next run compares with);
    3. delete the groups in scope from the table; the body inserts them afresh (append).
  A group that vanished (all its records deleted at the source) is deleted, not re-inserted.
  A batch landed while dbt runs is newer than what step 2 recorded: the next run takes it.

  Models built on other models rather than on the raw zone (the finance chain) name no inputs
  and scope by content instead: a dimension with `group: true` (content_dimension()) has the
  model's group key as its k and a hash of what the group is built from as its v, so every
  group that is new, changed or gone since the last run is in scope, and only those.

  The dimensions are read once per run: the scope pre-hook keeps what it read in
  incremental_state.<model>__dims_now (a full build too, though it decides no scope) and
  the post-hook makes that the snapshot.
-#}

{% macro increment_state_schema() -%}incremental_state{%- endmacro %}

{% macro increment_state_table(kind) -%}
{{ increment_state_schema() }}.{{ this.identifier }}__{{ kind }}
{%- endmacro %}

{#- Filter for the model body: the row's group is in this run's scope (a group key is
    `<source_system>:<id>` where a whole source is rebuilt). -#}
{% macro in_increment_scope(group_expression) -%}
(
    {{ group_expression }} in (select group_key from {{ increment_state_table('scope') }})
    or (select bool_or(rebuild_all) from {{ increment_state_table('scope') }})
    or split_part({{ group_expression }}, ':', 1) in (
        select rebuild_source from {{ increment_state_table('scope') }} where rebuild_source is not null
    )
)
{%- endmacro %}

{#- Where the newest batch each input entity had when the last run looked is kept. -#}
{% macro increment_batches_relation() -%}
{{ return(adapter.get_relation(this.database, increment_state_schema(), this.identifier ~ '__batches')) }}
{%- endmacro %}

{#- The groups an input's raw rows (all versions, tombstones included) name in batches newer
    than the last run saw; with `moves` (the group column is not part of the record's key),
    every version of a changed record, so the group it left is rebuilt too. Empty when the
    entity never landed. -#}
{% macro increment_input_groups(input) -%}
{%- set entity = input.source ~ '.' ~ input.entity -%}
{%- if raw_entity_has_files(input.source, input.entity) -%}
{%- set raw -%}
{{ raw_entity_parquet(input.source, input.entity, ', hive_partitioning = false') }}
{%- endset -%}
{%- set newer -%}
_batch_id > (
    select coalesce(max(batch_id), '') from {{ increment_state_table('batches') }}
    where entity = '{{ entity }}'
)
{%- endset -%}
select {{ input.group }} as group_key
from {{ raw }}
{%- if input.get('moves') %}
where _source_pk in (select _source_pk from {{ raw }} where {{ newer }})
{%- else %}
where {{ newer }}
{%- endif %}
{%- else -%}
select cast(null as varchar) as group_key where false
{%- endif -%}
{%- endmacro %}

{#- Pre-hook, every run (full or incremental), after the scope is decided: the newest batch of
    each input entity now, read from the batch folder names (the body reads at least these). -#}
{% macro increment_record_batches(increment) -%}
{%- set entities = [] -%}
{%- for input in increment.inputs -%}
    {%- if (input.source ~ '.' ~ input.entity) not in entities -%}{%- do entities.append(input.source ~ '.' ~ input.entity) -%}{%- endif -%}
{%- endfor -%}
create or replace table {{ increment_state_table('batches') }} as
{%- if not entities %}
select cast(null as varchar) as entity, cast(null as varchar) as batch_id where false
{%- endif %}
{%- for entity in entities %}
{%- set input = {'source': entity.split('.')[0], 'entity': entity.split('.', 1)[1]} %}
select
    '{{ input.source }}.{{ input.entity }}' as entity,
    max(regexp_extract(file, 'batch=([^/]+)/', 1)) as batch_id
from glob('{{ raw_entity_glob(input.source, input.entity) }}')
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endmacro %}

{#- The dimensions' current content, as (dimension, k, v, n) rows. Each dimension is a dict:
    name, sql (selecting k and v), and target_key (an expression over the stored row giving
    the k it looked up; none when the rows do not keep it, so any change rebuilds all). -#}
{% macro increment_dimension_rows(dimensions) -%}
{%- for d in dimensions %}
select '{{ d.name }}' as dimension, cast(k as varchar) as k, cast(v as varchar) as v, count(*) as n
from ({{ d.sql }}) as d
group by all
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endmacro %}

{% macro increment_scope(increment) -%}
{%- set group_key = increment.group_key -%}
{%- set dimensions = increment.dimensions -%}
{%- if is_incremental() -%}
{%- set dims = adapter.get_relation(this.database, increment_state_schema(), this.identifier ~ '__dims') -%}
create or replace table {{ increment_state_table('dims_now') }} as
{{ increment_dimension_rows(dimensions) }};
create or replace table {{ increment_state_table('scope') }} as
{%- if dims is none or increment_batches_relation() is none %}
-- no state from an earlier run (the first incremental run): rebuild everything
select cast(null as varchar) as group_key, true as rebuild_all, cast(null as varchar) as rebuild_source
{%- else %}
with current_dimensions as (
    select dimension, k, v, n from {{ increment_state_table('dims_now') }}
),

stored_dimensions as (
    select dimension, k, v, n from {{ dims }}
),

changed_dimensions as (
    select dimension, k from (select * from current_dimensions except select * from stored_dimensions)
    union
    select dimension, k from (select * from stored_dimensions except select * from current_dimensions)
    -- a dimension added to the model since the snapshot: rebuild everything
    union
    select dimension, null from (
        select distinct dimension from current_dimensions
        except
        select distinct dimension from stored_dimensions
    )
),

groups as (
    select cast(null as varchar) as group_key where false
    {%- for input in increment.inputs if input.group is not none %}
    union
    {{ increment_input_groups(input) }}
    {%- endfor %}
    {%- for d in dimensions %}
    union
    {%- if d.get('group') %}
    -- the dimension is keyed by the group: new, changed and vanished groups
    select k from changed_dimensions where dimension = '{{ d.name }}'
    union
    select {{ group_key }} from {{ this }}
    where exists (select 1 from changed_dimensions where dimension = '{{ d.name }}' and k is null)
    {%- elif d.target_key %}
    select {{ group_key }} from {{ this }}
    where {{ d.target_key }} in (select k from changed_dimensions where dimension = '{{ d.name }}')
        or exists (select 1 from changed_dimensions where dimension = '{{ d.name }}' and k is null)
    {%- else %}
    select {{ group_key }} from {{ this }}
    where exists (select 1 from changed_dimensions where dimension = '{{ d.name }}')
    {%- endif %}
    {%- endfor %}
)

select distinct group_key, false as rebuild_all, cast(null as varchar) as rebuild_source
from groups
where group_key is not null
{%- for input in increment.inputs if input.group is none and raw_entity_has_files(input.source, input.entity) %}
union
-- no group expression: a newer batch of {{ input.source }}.{{ input.entity }} rebuilds every group of {{ input.whole_source }}
select cast(null as varchar), false, '{{ input.whole_source }}'
where exists (
    select 1
    from {{ raw_entity_parquet(input.source, input.entity, ', hive_partitioning = false') }}
    where _batch_id > (
        select coalesce(max(batch_id), '') from {{ increment_state_table('batches') }}
        where entity = '{{ input.source }}.{{ input.entity }}'
    )
)
{%- endfor %}
{%- endif %}
{%- else -%}
-- a full build decides no scope; what it reads becomes the snapshot all the same
create or replace table {{ increment_state_table('dims_now') }} as
{{ increment_dimension_rows(dimensions) }}
{%- endif -%}
{%- endmacro %}

{% macro increment_delete_scope(increment) -%}
{%- set group_key = increment.group_key -%}
{%- if is_incremental() -%}
delete from {{ this }}
where {{ in_increment_scope(group_key) }}
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

{#- After every build (full or incremental): what the dimensions looked like, for the next run. -#}
{% macro increment_snapshot_dimensions(increment) -%}
-- what the scope pre-hook read this run (the model does not change its own inputs)
create or replace table {{ increment_state_table('dims') }} as
select * from {{ increment_state_table('dims_now') }};
drop table {{ increment_state_table('dims_now') }}
{%- endmacro %}

{#- A dimension keyed by the model's group (see the header): k is the group key, v a hash of
    the group's rows in `rows_sql` (a query or relation with a `group_expression`); two rows
    alike in a group count twice. -#}
{% macro content_dimension(name, rows_sql, group_expression) -%}
{{ return({
    'name': name,
    'sql': "select " ~ group_expression ~ " as k, cast(sum(hash(content_rows)) as varchar) || '/' || cast(count(*) as varchar) as v from (" ~ rows_sql ~ ") as content_rows group by 1",
    'target_key': none,
    'group': true,
}) }}
{%- endmacro %}
