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
    from {{ yecai.raw_entity_parquet(source_name, entity) }} as raw_rows
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

{#- The entity's raw Parquet as a FROM-clause expression. `options` are read_parquet's
    (", hive_partitioning = false"). Files of an entity with classified columns are encrypted
    when a lake key is configured (docs/security.md): they are read with the key their
    manifests record, which the yecai dbt plugin (yecai.privacy.dbt_plugin, in profiles.yml)
    registered on this connection under that name; the key itself is never in the SQL.
    DuckDB 1.5.5 fails on union_by_name over encrypted files, so those are read without it:
    ingestion keeps every encrypted file of an entity in the same columns. -#}
{% macro raw_entity_parquet(source_name, entity, options='') -%}
{%- set key_id = yecai.raw_entity_key_id(source_name, entity) -%}
{%- if key_id -%}
{%- do yecai.require_lake_key(key_id, source_name, entity) -%}
read_parquet('{{ yecai.raw_entity_glob(source_name, entity) }}', encryption_config = {footer_key: '{{ yecai.lake_key_name(key_id) }}'}{{ options }})
{%- else -%}
read_parquet('{{ yecai.raw_entity_glob(source_name, entity) }}', union_by_name = true{{ options }})
{%- endif -%}
{%- endmacro %}

{#- The lake key ID the entity's batches were written with (their manifests say), none when
    they are in clear. Only asked at run time, for an entity that has landed. Batches of two
    states (a key set, or rotated, since some landed) are re-written by the entity's next
    ingest; until then the model cannot read them with one glob, and says so. -#}
{% macro raw_entity_key_id(source_name, entity) -%}
{%- if not execute -%}{{ return(none) }}{%- endif -%}
{%- set manifests = yecai.raw_entity_glob(source_name, entity) | replace('*.parquet', 'manifest.json') -%}
{%- set result = run_query("select distinct json_extract_string(content, '$.key_id') from read_text('" ~ manifests ~ "')") -%}
{%- set key_ids = result.columns[0].values() | list -%}
{%- if key_ids | length > 1 -%}
{{ exceptions.raise_compiler_error("raw zone " ~ source_name ~ "/" ~ entity ~ " holds batches written with different lake keys or in clear (" ~ (key_ids | map('string') | join(', ')) ~ "): run `yecai ingest --source " ~ source_name ~ " --entity " ~ entity ~ "` with YECAI_LAKE_KEY_FILE set; it re-writes them with the current key") }}
{%- endif -%}
{{ return(key_ids[0] if key_ids else none) }}
{%- endmacro %}

{#- Fail with what to do when dbt's connection lacks the lake key `key_id` (instead of
    DuckDB's "No key with name …"): the plugin lists the IDs it registered. -#}
{% macro require_lake_key(key_id, source_name, entity) -%}
{%- set registered = run_query("select getvariable('yecai_lake_key_ids')").columns[0].values()[0] -%}
{%- if registered is none -%}
{{ exceptions.raise_compiler_error("raw zone " ~ source_name ~ "/" ~ entity ~ " is encrypted with lake key " ~ key_id ~ " and dbt's connection has no lake keys: add the yecai plugin to the output in profiles.yml (plugins: [{module: yecai.privacy.dbt_plugin}]) and set YECAI_LAKE_KEY_FILE") }}
{%- elif (',' ~ key_id ~ ',') not in registered -%}
{{ exceptions.raise_compiler_error("raw zone " ~ source_name ~ "/" ~ entity ~ " is encrypted with lake key " ~ key_id ~ ", which is not among the keys given (" ~ (registered.strip(',') or 'none') ~ "): set YECAI_LAKE_KEY_FILE (or YECAI_LAKE_KEY_PREVIOUS_FILE during a rotation) to the key with that ID") }}
{%- endif -%}
{%- endmacro %}

{#- The name a lake key is registered under on a connection (yecai.privacy.encryption.
    parquet_key_name): from its key ID, which is not secret. -#}
{% macro lake_key_name(key_id) -%}
yecai_{{ key_id | replace('-', '_') }}
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
