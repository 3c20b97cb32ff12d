-- The shop's goods_in: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'goods_in') }}
)

select
    cast(receipt_no as varchar) as receipt_no,
    cast(line as integer) as line,
    cast(bill_no as varchar) as bill_no,
    cast(supplier_id as varchar) as supplier_id,
    cast(sku as varchar) as sku,
    cast(qty as decimal(18, 4)) as qty,
    cast(amount as decimal(18, 2)) as amount,
    cast(received_on as date) as received_on,
    {{ yecai.raw_trace_columns() }}
from source
