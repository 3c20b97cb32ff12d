-- The shop's products: the current version of each record, cast.
with source as (
    {{ yecai.raw_latest('shop', 'products') }}
)

select
    cast(sku as varchar) as sku,
    cast(title as varchar) as title,
    cast(category as varchar) as category,
    cast(unit_cost as decimal(18, 2)) as unit_cost,
    cast(price as decimal(18, 2)) as price,
    {{ yecai.raw_trace_columns() }}
from source
