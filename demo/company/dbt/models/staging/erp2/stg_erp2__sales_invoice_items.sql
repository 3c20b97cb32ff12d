with source as (
    {{ yecai.raw_latest('erp2', 'sales_invoice_items') }}
)

select
    cast(doc_id as varchar) as doc_id,
    cast(line_num as integer) as line_num,
    cast(item_code as varchar) as item_code,
    cast(qty as decimal(18, 4)) as qty,
    cast(price as decimal(18, 2)) as price,
    cast(line_total as decimal(18, 2)) as line_total,
    cast(gst_amount as decimal(18, 2)) as gst_amount,
    cast(cost_total as decimal(18, 2)) as cost_total,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
