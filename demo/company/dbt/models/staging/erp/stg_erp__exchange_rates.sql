with source as (
    {{ yecai.raw_latest('erp', 'exchange_rates') }}
)

select
    cast(rate_date as date) as rate_date,
    upper(cast(from_currency as varchar)) as from_currency,
    upper(cast(to_currency as varchar)) as to_currency,
    cast(rate as decimal(18, 8)) as rate,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
