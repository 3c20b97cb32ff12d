{#- The group legal entity and functional currency of a source document, looked up by its
    source system and company code in canonical.legal_entity. A document of a company no
    mapping covers keeps `unmapped:<company>` (its company is in the exception table) and is
    treated as a CNY entity so that it still converts; nothing is dropped. -#}
{% macro legal_entity_join(alias, company_column) -%}
left join {{ ref('legal_entity') }} as legal_entity
    on legal_entity.source_system = {{ alias }}.source_system
    and legal_entity.source_company_code = {{ alias }}.{{ company_column }}
{%- endmacro %}

{% macro legal_entity_columns(alias, company_column, with_currency=true) -%}
coalesce(legal_entity.legal_entity_code, 'unmapped:' || {{ alias }}.{{ company_column }}) as legal_entity_code
        {%- if with_currency %},
        coalesce(legal_entity.functional_currency, '{{ var("group_currency") }}') as functional_currency
        {%- endif %}
{%- endmacro %}

{#- `<source_system>:<id>`: the canonical key of a record, unique across sources. -#}
{% macro canonical_key(id_expression, alias=none) -%}
{{ (alias ~ '.') if alias }}source_system || ':' || {{ id_expression }}
{%- endmacro %}
