-- purchase_order (standard interface) from the group ERP's order headers. The buying cost centre
-- is the first cost centre on the order's lines (services are expensed to one; goods orders
-- carry none).
with line_cost_centres as (
    select po_no, min(cost_center) as cost_center
    from {{ ref('stg_erp__purchase_order_lines') }}
    group by po_no
)

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
left join line_cost_centres
    on line_cost_centres.po_no = orders.po_no
