-- delivery (standard interface) from the group ERP: one row per delivered line, valued at
-- standard cost in the entity's functional currency.
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
