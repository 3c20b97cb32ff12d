{#-
  The current state of one raw-zone entity (docs/interfaces.md, "Raw zone"):
  the latest version of each record (greatest _batch_id per _source_pk, ties broken by
  _extracted_at), with records whose latest version is a tombstone (_is_deleted) removed.

  Every batch is read with union_by_name, so a column added by schema drift appears (null in
  older batches) instead of failing the read. The path is the same as the source's
  external_location; source() is still called so lineage shows the raw entity.

  A company's staging models call it as `yecai.raw_latest(...)`; the macros it calls are named
  with the package too, because a package macro run for a company's model resolves unqualified
  names in the company's project.

  An entity that has never landed (no Parquet files yet, e.g. a source not onboarded) reads
  as an empty relation with the columns its source YAML declares, all varchar, so staging
  and everything downstream still build; the landing gap is visible in
  governance.ingestion_batches rather than as a failed build.
-#}
{% macro raw_latest(source_name, entity) -%}
{%- set relation = source(source_name, entity) -%}{#- lineage only -#}
{%- if yecai.raw_entity_has_files(source_name, entity) %}
select * exclude (_version_rank)
from (
    select
        raw_rows.*,
        row_number() over (
            partition by raw_rows._source_pk
            order by raw_rows._batch_id desc, raw_rows._extracted_at desc
        ) as _version_rank,
        -- When yecai first saw the record (any version): governance's first_seen.
        min(raw_rows._extracted_at) over (partition by raw_rows._source_pk) as _first_extracted_at
    from read_parquet('{{ yecai.raw_entity_glob(source_name, entity) }}', union_by_name = true) as raw_rows
) as ranked
where _version_rank = 1
  and not coalesce(_is_deleted, false)
{%- else %}
{{ yecai.raw_empty_relation(source_name, entity) }}
{%- endif %}
{%- endmacro %}

{#- Glob of an entity's Parquet files in the raw zone. The var is the package's; a company's
    staging model calling this sees its own project's vars, hence the environment fallback. -#}
{% macro raw_entity_glob(source_name, entity) -%}
{{ var('raw_zone', env_var('YECAI_RAW_ZONE', '../lake/raw')) }}/{{ source_name }}/{{ entity }}/batch=*/*.parquet
{%- endmacro %}

{#- True when at least one batch of the entity has landed. Only asked at run time; at parse
    time the answer does not matter (no SQL runs). -#}
{% macro raw_entity_has_files(source_name, entity) -%}
{%- if not execute -%}{{ return(true) }}{%- endif -%}
{%- set result = run_query("select count(*) from glob('" ~ yecai.raw_entity_glob(source_name, entity) ~ "')") -%}
{{ return(result.columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- An empty relation shaped like the entity: its declared business columns plus the raw
    zone's metadata columns. -#}
{% macro raw_empty_relation(source_name, entity) -%}
{%- set node = (graph.sources.values() | selectattr('source_name', 'equalto', source_name)
    | selectattr('name', 'equalto', entity) | first) -%}
select
    {%- for column in node.columns %}
    cast(null as varchar) as {{ adapter.quote(column) }},
    {%- endfor %}
    cast(null as varchar) as _source_system,
    cast(null as varchar) as _source_pk,
    cast(null as varchar) as _batch_id,
    cast(null as timestamp) as _extracted_at,
    cast(null as varchar) as _row_hash,
    cast(null as boolean) as _is_deleted,
    cast(null as timestamp) as _first_extracted_at
where 1 = 0
{%- endmacro %}
