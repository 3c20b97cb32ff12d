-- The shop's payments: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'payments') }}
)

select
    cast(payment_no as varchar) as payment_no,
    cast(bill_no as varchar) as bill_no,
    cast(supplier_id as varchar) as supplier_id,
    cast(paid_on as date) as paid_on,
    cast(amount as decimal(18, 2)) as amount,
    {{ yecai.raw_trace_columns() }}
from source
