-- Goods receipts, one row per received line, valued at the purchase price before VAT in the
-- entity's functional currency (the ERP values receipts in CNY).
with all_lines as (
    select * from {{ ref('conformed_goods_receipt') }}
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
