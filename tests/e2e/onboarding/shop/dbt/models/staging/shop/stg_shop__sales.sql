-- The shop's sales: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'sales') }}
)

select
    cast(invoice_no as varchar) as invoice_no,
    cast(customer_id as varchar) as customer_id,
    cast(invoice_date as date) as invoice_date,
    cast(due_date as date) as due_date,
    cast(net as decimal(18, 2)) as net,
    cast(vat as decimal(18, 2)) as vat,
    cast(gross as decimal(18, 2)) as gross,
    {{ yecai.raw_trace_columns() }}
from source
