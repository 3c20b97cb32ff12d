-- Purchase orders, header grain. The buying cost centre is the first cost centre on the
-- order's lines (services are expensed to one; goods orders carry none).
with erp_line_cost_centres as (
    select po_no, min(cost_center) as cost_center
    from {{ ref('stg_erp__purchase_order_lines') }}
    group by po_no
),

erp_orders as (
    select
        orders.po_no as source_order_id,
        orders.po_no as document_number,
        orders.company_code,
        orders.po_date as order_date,
        orders.vendor_no as party_source_code,
        orders.req_no as source_requisition_id,
        line_cost_centres.cost_center as org_unit_source_code,
        orders.buyer_user_id,
        orders.po_status as status,
        orders.currency as transaction_currency,
        orders.net_amount,
        orders.tax_amount,
        orders.gross_amount,
        orders.source_system,
        orders.source_document_id,
        orders.batch_id
    from {{ ref('stg_erp__purchase_orders') }} as orders
    left join erp_line_cost_centres as line_cost_centres
        on line_cost_centres.po_no = orders.po_no
),

all_orders as (
    select * from erp_orders
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
