-- The shop's receipts: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'receipts') }}
)

select
    cast(receipt_no as varchar) as receipt_no,
    cast(invoice_no as varchar) as invoice_no,
    cast(customer_id as varchar) as customer_id,
    cast(paid_on as date) as paid_on,
    cast(amount as decimal(18, 2)) as amount,
    {{ yecai.raw_trace_columns() }}
from source
