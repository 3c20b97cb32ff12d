-- The shop's customers: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'customers') }}
)

select
    cast(customer_id as varchar) as customer_id,
    cast(name as varchar) as name,
    cast(uscc as varchar) as uscc,
    cast(city as varchar) as city,
    {{ yecai.raw_trace_columns() }}
from source
