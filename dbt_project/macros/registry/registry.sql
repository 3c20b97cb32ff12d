{#-
  The source registry: which sources a company has, and per source its kind, the legal
  entities it books for, its books (`ledger`: it keeps its own general ledger; `derived`: its
  derived vouchers are its books; `none`: it keeps no books) and the documents it supplies
  (one conforming model `stg_<source>__<document>` each). yecai builds it from the company's
  sources.yml (yecai/config/registry.py) and hands it to every dbt it runs as the var
  `yecai_source_registry` (JSON, from the environment variable YECAI_SOURCE_REGISTRY). The
  product's models iterate over it and never name a source.
-#}

{% macro yecai_registry() -%}
{%- set text = var('yecai_source_registry', '') -%}
{%- if not text -%}
    {{ exceptions.raise_compiler_error(
        "yecai's source registry is not set (var yecai_source_registry, environment variable "
        ~ "YECAI_SOURCE_REGISTRY): run dbt through yecai, `yecai dbt -- <dbt arguments>`, which "
        ~ "builds it from sources.yml (or `eval \"$(yecai dbt --print-env)\"` before running dbt by hand)") }}
{%- endif -%}
{{ return(fromjson(text)) }}
{%- endmacro %}

{#- The sources that supply `document` (names, sorted). -#}
{% macro yecai_suppliers(document) -%}
{{ return(yecai_registry().get('documents', {}).get(document, [])) }}
{%- endmacro %}

{#- The sources whose books are `books` (ledger, derived or none), sorted. -#}
{% macro yecai_sources_with_books(books) -%}
{%- set found = [] -%}
{%- for name, source in yecai_registry().get('sources', {}).items() | sort -%}
    {%- if source.get('books') == books -%}{%- do found.append(name) -%}{%- endif -%}
{%- endfor -%}
{{ return(found) }}
{%- endmacro %}

{#- `names` as a SQL list for `in (...)`; a list that matches nothing when empty. -#}
{% macro yecai_sql_list(names) -%}
{%- if names -%}
({%- for name in names -%}'{{ name }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- else -%}
(select cast(null as varchar) where false)
{%- endif -%}
{%- endmacro %}

{#- The registry as a relation, one row per source: source_system, kind, books, the number of
    legal entities it books for and, when it books for exactly one, that entity (the default
    entity of its records that carry none, e.g. a product master). -#}
{% macro yecai_registry_relation() -%}
{%- set sources = yecai_registry().get('sources', {}) -%}
{%- if sources -%}
select * from (values
    {%- for name, source in sources.items() | sort %}
    (
        '{{ name }}',
        '{{ source.kind }}',
        '{{ source.books }}',
        {{ source.legal_entities | length }},
        {% if source.legal_entities | length == 1 %}'{{ source.legal_entities[0] }}'{% else %}cast(null as varchar){% endif %}
    ){{ "," if not loop.last }}
    {%- endfor %}
) as registry (source_system, kind, books, legal_entity_count, sole_legal_entity_code)
{%- else -%}
select
    cast(null as varchar) as source_system,
    cast(null as varchar) as kind,
    cast(null as varchar) as books,
    cast(null as integer) as legal_entity_count,
    cast(null as varchar) as sole_legal_entity_code
where false
{%- endif -%}
{%- endmacro %}
