{#- dbt takes this macro from the root project only: delegate to the product's, so schemas are
    named as yecai names them (finance, governance, …, not main_finance). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{- yecai.yecai_schema_name(custom_schema_name, node) -}}
{%- endmacro %}
