with source as (
    {{ yecai.raw_latest('erp', 'delivery_lines') }}
)

select
    cast(delivery_no as varchar) as delivery_no,
    cast(line_no as integer) as line_no,
    cast(order_no as varchar) as order_no,
    cast(order_line_no as integer) as order_line_no,
    cast(material_no as varchar) as material_no,
    cast(quantity as decimal(18, 4)) as quantity,
    cast(unit_cost as decimal(18, 2)) as unit_cost,
    cast(cost_amount as decimal(18, 2)) as cost_amount,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
