with source as (
    {{ yecai.raw_latest('erp2', 'items') }}
)

select
    cast(item_code as varchar) as item_code,
    cast(item_desc as varchar) as item_desc,
    cast(item_group as varchar) as item_group,
    cast(unit_cost as decimal(18, 2)) as unit_cost,
    cast(unit_price as decimal(18, 2)) as unit_price,
    cast(gst_rate as decimal(18, 8)) as gst_rate,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
