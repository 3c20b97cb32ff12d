-- The shop's bills: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'bills') }}
)

select
    cast(bill_no as varchar) as bill_no,
    cast(supplier_id as varchar) as supplier_id,
    cast(bill_date as date) as bill_date,
    cast(due_date as date) as due_date,
    cast(net as decimal(18, 2)) as net,
    cast(vat as decimal(18, 2)) as vat,
    cast(gross as decimal(18, 2)) as gross,
    {{ yecai.raw_trace_columns() }}
from source
