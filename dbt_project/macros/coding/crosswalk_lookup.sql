{#- Unified codes for source codes a document carries, through the master crosswalks.
    `<alias>` is the join alias; the key is `<source_system>:<source code>` as in the crosswalk. -#}
{% macro party_join(alias, doc_alias, code_column) -%}
left join {{ ref('party_crosswalk') }} as {{ alias }}
    on {{ alias }}.party_key = {{ doc_alias }}.source_system || ':' || {{ doc_alias }}.{{ code_column }}
{%- endmacro %}

{% macro employee_join(alias, doc_alias, code_column) -%}
left join {{ ref('employee_crosswalk') }} as {{ alias }}
    on {{ alias }}.employee_key = {{ doc_alias }}.source_system || ':' || {{ doc_alias }}.{{ code_column }}
{%- endmacro %}

{% macro product_join(alias, doc_alias, code_column) -%}
left join {{ ref('product_crosswalk') }} as {{ alias }}
    on {{ alias }}.product_key = {{ doc_alias }}.source_system || ':' || {{ doc_alias }}.{{ code_column }}
{%- endmacro %}
