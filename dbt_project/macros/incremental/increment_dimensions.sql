{#- Dimensions the incremental canonical models look rows up in (replace_changed_groups.sql):
    k is the lookup key, v what it gives; target_key the stored column(s) the row looked up
    with, none when the row does not keep it. -#}

{#- The legal entity mapping decides the entity and the
    functional currency of every row and is not kept per row: a change rebuilds everything. -#}
{% macro legal_entity_dimension() -%}
{{ return({
    'name': 'legal_entity',
    'sql': "select source_system || ':' || source_company_code as k, legal_entity_code || '|' || functional_currency as v from " ~ ref('legal_entity'),
    'target_key': none,
}) }}
{%- endmacro %}

{% macro party_dimension() -%}
{{ return({
    'name': 'party',
    'sql': "select party_key as k, unified_party_code as v from " ~ ref('party_crosswalk'),
    'target_key': "source_system || ':' || party_source_code",
}) }}
{%- endmacro %}

{% macro product_dimension() -%}
{{ return({
    'name': 'product',
    'sql': "select product_key as k, unified_product_code as v from " ~ ref('product_crosswalk'),
    'target_key': "source_system || ':' || product_source_code",
}) }}
{%- endmacro %}

{#- Rates by currency: a changed rate range rebuilds the rows in that currency. `column` is the
    stored currency the row converted from (transaction or functional). -#}
{% macro rate_dimension(column) -%}
{{ return({
    'name': 'rate_' ~ column,
    'sql': "select currency as k, concat_ws('|', rate_date, rate, rate_source, valid_from, valid_to) as v from " ~ ref('int_exchange_rate_ranges'),
    'target_key': column,
}) }}
{%- endmacro %}
