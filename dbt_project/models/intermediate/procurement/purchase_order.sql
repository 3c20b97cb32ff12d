-- Purchase orders, header grain. The buying cost centre is the first cost centre on the
-- order's lines (services are expensed to one; goods orders carry none).
with all_orders as (
    select * from {{ ref('conformed_purchase_order') }}
),

doc as (
    select
        all_orders.*,
        {{ legal_entity_columns('all_orders', 'company_code') }}
    from all_orders
    {{ legal_entity_join('all_orders', 'company_code') }}
)

select
    {{ canonical_key('doc.source_order_id', 'doc') }} as purchase_order_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.order_date,
    vendor.unified_party_code as party_code,
    doc.party_source_code,
    case when doc.source_requisition_id is not null then {{ canonical_key('doc.source_requisition_id', 'doc') }} end
        as purchase_requisition_key,
    doc.org_unit_source_code,
    buyer.unified_employee_code as buyer_employee_code,
    doc.status,
    doc.transaction_currency,
    doc.net_amount,
    doc.tax_amount,
    doc.gross_amount,
    doc.functional_currency,
    {{ group_currency_columns(['net_amount', 'tax_amount', 'gross_amount'], 'order_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('vendor', 'doc', 'party_source_code') }}
{{ employee_join('buyer', 'doc', 'buyer_user_id') }}
{{ group_currency_joins('order_date') }}
