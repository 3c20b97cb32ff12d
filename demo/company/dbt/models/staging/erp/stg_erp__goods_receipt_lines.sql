with source as (
    {{ yecai.raw_latest('erp', 'goods_receipt_lines') }}
)

select
    cast(gr_no as varchar) as gr_no,
    cast(line_no as integer) as line_no,
    cast(po_no as varchar) as po_no,
    cast(po_line_no as integer) as po_line_no,
    cast(material_no as varchar) as material_no,
    cast(quantity as decimal(18, 4)) as quantity,
    cast(unit_price as decimal(18, 2)) as unit_price,
    cast(amount as decimal(18, 2)) as amount,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
