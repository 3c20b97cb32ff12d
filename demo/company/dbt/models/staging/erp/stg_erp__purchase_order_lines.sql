with source as (
    {{ yecai.raw_latest('erp', 'purchase_order_lines') }}
)

select
    cast(po_no as varchar) as po_no,
    cast(line_no as integer) as line_no,
    cast(material_no as varchar) as material_no,
    cast(quantity as decimal(18, 4)) as quantity,
    cast(unit_price as decimal(18, 2)) as unit_price,
    cast(net_amount as decimal(18, 2)) as net_amount,
    cast(tax_rate as decimal(18, 8)) as tax_rate,
    cast(tax_amount as decimal(18, 2)) as tax_amount,
    nullif(cast(warehouse_code as varchar), '') as warehouse_code,
    nullif(cast(cost_center as varchar), '') as cost_center,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
