-- sales_order_line (standard interface) from the group ERP. Gross = net + VAT (the ERP stores
-- net and VAT per line).
select
    lines.order_no || '|' || cast(lines.line_no as varchar) as source_line_id,
    lines.order_no as source_order_id,
    lines.line_no as line_number,
    orders.company_code,
    orders.order_date,
    lines.material_no as product_source_code,
    lines.quantity,
    lines.unit_price,
    cast(lines.tax_rate as decimal(18, 4)) as tax_rate,
    orders.currency as transaction_currency,
    lines.net_amount,
    lines.tax_amount,
    cast(lines.net_amount + lines.tax_amount as decimal(18, 2)) as gross_amount,
    lines.source_system,
    lines.source_document_id,
    lines.batch_id
from {{ ref('stg_erp__sales_order_lines') }} as lines
inner join {{ ref('stg_erp__sales_orders') }} as orders
    on orders.order_no = lines.order_no
