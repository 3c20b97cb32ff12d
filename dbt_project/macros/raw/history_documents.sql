{#- The originating business documents whose version history
    governance.late_and_retroactive_changes reads: per raw entity, which column is the business
    date, when a record counts as completed, where its creation time and soft delete are, and
    which columns are its booked content. Per-source knowledge, like a staging model, so it is
    the company's: the var `history_documents` of its dbt project (a list of dicts with keys
    source, entity, business_date, completed, created, deleted, content; expressions are DuckDB
    SQL over the raw zone's columns). Without it the governance model is empty. Entries of
    sources the registry does not hold (a source taken out of sources.yml) are left out, so
    the list never names a dbt source that is not declared. -#}
{% macro history_documents() %}
{%- set registered = yecai_registry().get('sources', {}) -%}
{%- set documents = [] -%}
{%- for doc in var('history_documents', []) -%}
    {%- if doc.source in registered %}{% do documents.append(doc) %}{% endif -%}
{%- endfor -%}
{{ return(documents) }}
{% endmacro %}
