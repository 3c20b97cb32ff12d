{#- What the incremental sales models rebuild in a daily increment (replace_changed_groups.sql).
    Every group column used here is part of its raw entity's primary key: a record cannot move
    between groups. -#}

{#- Orders with their lines: `<source_system>:<order no>`. -#}
{% macro sales_order_line_increment() -%}
{{ return({
    'group_key': 'sales_order_key',
    'inputs': [
        {'source': 'erp', 'entity': 'sales_orders', 'group': "_source_system || ':' || order_no"},
        {'source': 'erp', 'entity': 'sales_order_lines', 'group': "_source_system || ':' || order_no"},
    ],
    'dimensions': [
        legal_entity_dimension(),
        product_dimension(),
        rate_dimension('transaction_currency'),
        rate_dimension('functional_currency'),
    ],
}) }}
{%- endmacro %}

{#- Deliveries with their lines: `<source_system>:<delivery no>`; in erp2 the sales invoice is
    the delivery. -#}
{% macro delivery_increment() -%}
{{ return({
    'group_key': 'delivery_key',
    'inputs': [
        {'source': 'erp', 'entity': 'deliveries', 'group': "_source_system || ':' || delivery_no"},
        {'source': 'erp', 'entity': 'delivery_lines', 'group': "_source_system || ':' || delivery_no"},
        {'source': 'erp2', 'entity': 'sales_invoices', 'group': "_source_system || ':' || doc_id"},
        {'source': 'erp2', 'entity': 'sales_invoice_items', 'group': "_source_system || ':' || doc_id"},
    ],
    'dimensions': [
        legal_entity_dimension(),
        party_dimension(),
        product_dimension(),
        rate_dimension('transaction_currency'),
        rate_dimension('functional_currency'),
    ],
}) }}
{%- endmacro %}

{#- Customer invoices (header grain): `<source_system>:<invoice no>`. -#}
{% macro customer_invoice_increment() -%}
{{ return({
    'group_key': 'customer_invoice_key',
    'inputs': [
        {'source': 'erp', 'entity': 'customer_invoices', 'group': "_source_system || ':' || invoice_no"},
        {'source': 'erp2', 'entity': 'sales_invoices', 'group': "_source_system || ':' || doc_id"},
    ],
    'dimensions': [
        legal_entity_dimension(),
        party_dimension(),
        rate_dimension('transaction_currency'),
        rate_dimension('functional_currency'),
    ],
}) }}
{%- endmacro %}
