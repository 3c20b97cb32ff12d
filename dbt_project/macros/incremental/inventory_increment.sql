{#- What canonical.inventory_movement rebuilds in a daily increment (replace_changed_groups.sql):
    one movement per group, `<source_system>:<movement no>`; the movement number is the raw
    entity's key, so a record cannot move between groups. -#}
{% macro inventory_movement_increment() -%}
{{ return({
    'group_key': 'inventory_movement_key',
    'inputs': [
        {'source': 'erp', 'entity': 'inventory_movements', 'group': "_source_system || ':' || movement_no"},
    ],
    'dimensions': [
        legal_entity_dimension(),
        product_dimension(),
        rate_dimension('transaction_currency'),
        rate_dimension('functional_currency'),
    ],
}) }}
{%- endmacro %}
