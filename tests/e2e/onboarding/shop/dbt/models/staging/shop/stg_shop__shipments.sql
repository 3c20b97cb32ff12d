-- The shop's shipments: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'shipments') }}
)

select
    cast(shipment_no as varchar) as shipment_no,
    cast(line as integer) as line,
    cast(invoice_no as varchar) as invoice_no,
    cast(customer_id as varchar) as customer_id,
    cast(sku as varchar) as sku,
    cast(qty as decimal(18, 4)) as qty,
    cast(cost as decimal(18, 2)) as cost,
    cast(shipped_on as date) as shipped_on,
    {{ yecai.raw_trace_columns() }}
from source
