-- The shop's suppliers: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'suppliers') }}
)

select
    cast(supplier_id as varchar) as supplier_id,
    cast(name as varchar) as name,
    cast(uscc as varchar) as uscc,
    cast(city as varchar) as city,
    {{ yecai.raw_trace_columns() }}
from source
