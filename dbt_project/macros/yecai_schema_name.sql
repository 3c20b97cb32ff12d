{#- Custom schemas are used as given (finance, governance, master, …), not prefixed with the
    target schema: analysts query `finance.trial_balance`, not `main_finance.trial_balance`.
    dbt calls generate_schema_name from the root project only, so a company's dbt project
    carries a two-line shim that calls this (yecai init writes it). -#}
{% macro yecai_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
