with source as (
    {{ yecai.raw_latest('erp2', 'fx_rates') }}
)

select
    cast(rate_date as date) as rate_date,
    upper(cast(currency as varchar)) as currency,
    -- SGD per one unit of currency.
    cast(sgd_rate as decimal(18, 8)) as sgd_rate,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
