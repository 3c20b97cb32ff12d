-- Goods receipts, one row per received line, valued at the purchase price before VAT in the
-- entity's functional currency (the ERP values receipts in CNY).
with erp_lines as (
    select
        lines.gr_no || '|' || cast(lines.line_no as varchar) as source_line_id,
        lines.gr_no as source_receipt_id,
        headers.gr_no as document_number,
        headers.company_code,
        headers.receipt_date,
        lines.po_no as source_order_id,
        headers.vendor_no as party_source_code,
        lines.material_no as product_source_code,
        headers.warehouse_code,
        lines.quantity,
        lines.amount,
        lines.source_system,
        lines.source_document_id,
        lines.batch_id
    from {{ ref('stg_erp__goods_receipt_lines') }} as lines
    inner join {{ ref('stg_erp__goods_receipts') }} as headers
        on headers.gr_no = lines.gr_no
),

-- SimpleBooks has no goods receipt: goods are taken into stock with the bill, so each bill
-- item line is also the receipt of those goods, valued at the bill's booking rate in SGD.
erp2_lines as (
    select
        items.doc_id || '|' || cast(items.line_num as varchar) as source_line_id,
        items.doc_id as source_receipt_id,
        bills.doc_id as document_number,
        bills.company_code,
        bills.doc_date as receipt_date,
        cast(null as varchar) as source_order_id,
        bills.bp_id as party_source_code,
        items.item_code as product_source_code,
        cast(null as varchar) as warehouse_code,
        items.qty as quantity,
        cast(round(items.line_total * bills.fx_rate, 2) as decimal(18, 2)) as amount,
        items.source_system,
        items.source_document_id,
        items.batch_id
    from {{ ref('stg_erp2__purchase_invoice_items') }} as items
    inner join {{ ref('stg_erp2__purchase_invoices') }} as bills
        on bills.doc_id = items.doc_id
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
    {{ canonical_key('doc.source_line_id', 'doc') }} as goods_receipt_line_key,
    {{ canonical_key('doc.source_receipt_id', 'doc') }} as goods_receipt_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.receipt_date,
    case when doc.source_order_id is not null then {{ canonical_key('doc.source_order_id', 'doc') }} end
        as purchase_order_key,
    vendor.unified_party_code as party_code,
    doc.party_source_code,
    product.unified_product_code as product_code,
    doc.product_source_code,
    doc.warehouse_code,
    doc.quantity,
    doc.transaction_currency,
    doc.amount,
    doc.functional_currency,
    {{ group_currency_columns(['amount'], 'receipt_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('vendor', 'doc', 'party_source_code') }}
{{ product_join('product', 'doc', 'product_source_code') }}
{{ group_currency_joins('receipt_date') }}
