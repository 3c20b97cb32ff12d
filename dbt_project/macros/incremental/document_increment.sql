{#- What the incremental canonical models rebuild in a daily increment
    (replace_changed_groups.sql), from the source registry: the raw entities each supplier of
    the document reads, and how a raw row names its group.

    A conforming model says how in its YAML, as meta (the demo company's conforming YAML files,
    demo/company/dbt/models/staging/*/_*__conforming.yml, show it):
        config:
          meta:
            yecai_increment:
              - {entity: journal_lines, group: voucher_no}
              - {entity: gl_entries, group: journal_no, moves: true}
    `group` is an expression over the raw entity's columns giving the id the canonical group key
    is made of (`<source_system>:<id>`); `moves` when it is not part of the record's key (a
    record can move to another group: every group any version of it named is rebuilt).
    Without that meta, every raw entity the conforming model reads (its lineage) is an input
    of the whole source: a newer batch of any of them rebuilds every group of that source.
    Slower, never wrong, and a new source's rows reach the daily increment with no setting. -#}
{% macro document_increment(document, group_key, dimensions) -%}
{{ return({'group_key': group_key, 'inputs': document_increment_inputs(document), 'dimensions': dimensions}) }}
{%- endmacro %}

{% macro document_increment_inputs(document) -%}
{%- set inputs = [] -%}
{%- if not execute -%}{{ return(inputs) }}{%- endif -%}
{%- for source in yecai_suppliers(document) -%}
    {%- set node = yecai_model_node('stg_' ~ source ~ '__' ~ document) -%}
    {%- set declared = ((node.config.meta or {}).get('yecai_increment') or []) if node else [] -%}
    {%- if declared -%}
        {%- for input in declared -%}
            {%- do inputs.append({
                'source': source,
                'entity': input.entity,
                'group': "_source_system || ':' || (" ~ input.group ~ ")",
                'moves': input.get('moves', false),
            }) -%}
        {%- endfor -%}
    {%- else -%}
        {%- for raw in yecai_raw_lineage(node) -%}
            {%- do inputs.append({'source': raw.source, 'entity': raw.entity, 'group': none, 'whole_source': source}) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endfor -%}
{{ return(inputs) }}
{%- endmacro %}

{#- The graph node of the model named `name` (in whichever project defines it), or none. -#}
{% macro yecai_model_node(name) -%}
{%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'model' and node.name == name -%}{{ return(node) }}{%- endif -%}
{%- endfor -%}
{{ return(none) }}
{%- endmacro %}

{#- Every raw-zone entity (dbt source) `node` reads, directly or through other models. -#}
{% macro yecai_raw_lineage(node) -%}
{%- set found = [] -%}
{%- set seen = [] -%}
{%- set queue = [node] if node else [] -%}
{%- for current in queue -%}
    {%- for parent in current.depends_on.nodes if parent not in seen -%}
        {%- do seen.append(parent) -%}
        {%- if parent.startswith('source.') -%}
            {%- set source_node = graph.sources[parent] -%}
            {%- do found.append({'source': source_node.source_name, 'entity': source_node.name}) -%}
        {%- elif parent.startswith('model.') -%}
            {%- do queue.append(graph.nodes[parent]) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{{ return(found) }}
{%- endmacro %}

{#- Orders with their lines: `<source_system>:<order id>`. -#}
{% macro sales_order_line_increment() -%}
{{ return(document_increment('sales_order_line', 'sales_order_key', [
    legal_entity_dimension(),
    product_dimension(),
    rate_dimension('transaction_currency'),
    rate_dimension('functional_currency'),
])) }}
{%- endmacro %}

{#- Deliveries with their lines: `<source_system>:<delivery id>`. -#}
{% macro delivery_increment() -%}
{{ return(document_increment('delivery', 'delivery_key', [
    legal_entity_dimension(),
    party_dimension(),
    product_dimension(),
    rate_dimension('transaction_currency'),
    rate_dimension('functional_currency'),
])) }}
{%- endmacro %}

{#- Customer invoices (header grain): `<source_system>:<invoice id>`. -#}
{% macro customer_invoice_increment() -%}
{{ return(document_increment('customer_invoice', 'customer_invoice_key', [
    legal_entity_dimension(),
    party_dimension(),
    rate_dimension('transaction_currency'),
    rate_dimension('functional_currency'),
])) }}
{%- endmacro %}

{#- One movement per group, `<source_system>:<movement id>`. -#}
{% macro inventory_movement_increment() -%}
{{ return(document_increment('inventory_movement', 'inventory_movement_key', [
    legal_entity_dimension(),
    product_dimension(),
    rate_dimension('transaction_currency'),
    rate_dimension('functional_currency'),
])) }}
{%- endmacro %}

{#- Whole vouchers, `<source_system>:<voucher id>`: a voucher is rebuilt when its header or any
    of its lines has a newer raw batch. journal_voucher and journal_line read both documents'
    inputs (the voucher's totals come from its lines, a line takes its voucher's date). -#}
{% macro journal_inputs() -%}
{%- set inputs = [] -%}
{%- for input in document_increment_inputs('journal_voucher') + document_increment_inputs('journal_line') -%}
    {%- if input not in inputs -%}{%- do inputs.append(input) -%}{%- endif -%}
{%- endfor -%}
{{ return(inputs) }}
{%- endmacro %}

{% macro journal_line_increment() -%}
{{ return({'group_key': 'journal_voucher_key', 'inputs': journal_inputs(), 'dimensions': [
    legal_entity_dimension(),
    {
        'name': 'account',
        'sql': "select source_system || ':' || account_source_code as k, concat_ws('>', source_company_code, group_account_code) as v from " ~ ref('account_crosswalk'),
        'target_key': "source_system || ':' || account_source_code",
    },
    party_dimension(),
    product_dimension(),
    rate_dimension('functional_currency'),
]}) }}
{%- endmacro %}

{#- The voucher keeps only the unified code of its author, not the user it looked up. -#}
{% macro journal_voucher_increment() -%}
{{ return({'group_key': 'journal_voucher_key', 'inputs': journal_inputs(), 'dimensions': [
    legal_entity_dimension(),
    {
        'name': 'employee',
        'sql': "select employee_key as k, unified_employee_code as v from " ~ ref('employee_crosswalk'),
        'target_key': none,
    },
]}) }}
{%- endmacro %}
