{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(delivery_increment()) }}",
            "{{ increment_record_batches(delivery_increment()) }}",
            "{{ increment_delete_scope(delivery_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(delivery_increment()) }}"]
    )
}}
{#- Incremental by delivery (macros/incremental/replace_changed_groups.sql): a daily run rewrites
    the deliveries with a newer raw batch or whose looked-up codes and rates changed, and drops
    those deleted at the source; the result equals a full build. -#}
-- Deliveries, one row per delivered line. The ERP values a delivery at standard cost in the
-- entity's functional currency, so the cost amount's transaction currency is the functional one.
with erp_lines as (
    select
        lines.delivery_no || '|' || cast(lines.line_no as varchar) as source_line_id,
        lines.delivery_no as source_delivery_id,
        headers.delivery_no as document_number,
        headers.company_code,
        headers.delivery_date,
        lines.order_no as source_order_id,
        lines.order_no || '|' || cast(lines.order_line_no as varchar) as source_order_line_id,
        headers.customer_no as party_source_code,
        lines.material_no as product_source_code,
        headers.warehouse_code,
        lines.quantity,
        lines.cost_amount,
        lines.source_system,
        lines.source_document_id,
        lines.batch_id
    from {{ ref('stg_erp__delivery_lines') }} as lines
    inner join {{ ref('stg_erp__deliveries') }} as headers
        on headers.delivery_no = lines.delivery_no
    {%- if is_incremental() %}
    where {{ in_increment_scope("lines.source_system || ':' || lines.delivery_no") }}
    {%- endif %}
),

-- SimpleBooks has no delivery note: goods leave with the sales invoice, whose item lines carry
-- the cost of the goods sold (SGD, the functional currency).
erp2_lines as (
    select
        items.doc_id || '|' || cast(items.line_num as varchar) as source_line_id,
        items.doc_id as source_delivery_id,
        invoices.doc_id as document_number,
        invoices.company_code,
        invoices.doc_date as delivery_date,
        cast(null as varchar) as source_order_id,
        cast(null as varchar) as source_order_line_id,
        invoices.bp_id as party_source_code,
        items.item_code as product_source_code,
        cast(null as varchar) as warehouse_code,
        items.qty as quantity,
        items.cost_total as cost_amount,
        items.source_system,
        items.source_document_id,
        items.batch_id
    from {{ ref('stg_erp2__sales_invoice_items') }} as items
    inner join {{ ref('stg_erp2__sales_invoices') }} as invoices
        on invoices.doc_id = items.doc_id
    {%- if is_incremental() %}
    where {{ in_increment_scope("items.source_system || ':' || items.doc_id") }}
    {%- endif %}
),

all_lines as (
    select * from erp_lines
    union all
    select * from erp2_lines
),

doc as (
    select
        all_lines.*,
        {{ legal_entity_columns('all_lines', 'company_code') }},
        coalesce(legal_entity.functional_currency, '{{ var("group_currency") }}') as transaction_currency
    from all_lines
    {{ legal_entity_join('all_lines', 'company_code') }}
)

select
    {{ canonical_key('doc.source_line_id', 'doc') }} as delivery_line_key,
    {{ canonical_key('doc.source_delivery_id', 'doc') }} as delivery_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.delivery_date,
    case when doc.source_order_id is not null then {{ canonical_key('doc.source_order_id', 'doc') }} end
        as sales_order_key,
    case when doc.source_order_line_id is not null then {{ canonical_key('doc.source_order_line_id', 'doc') }} end
        as sales_order_line_key,
    customer.unified_party_code as party_code,
    doc.party_source_code,
    product.unified_product_code as product_code,
    doc.product_source_code,
    doc.warehouse_code,
    doc.quantity,
    doc.transaction_currency,
    doc.cost_amount,
    doc.functional_currency,
    {{ group_currency_columns(['cost_amount'], 'delivery_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('customer', 'doc', 'party_source_code') }}
{{ product_join('product', 'doc', 'product_source_code') }}
{{ group_currency_joins('delivery_date') }}
