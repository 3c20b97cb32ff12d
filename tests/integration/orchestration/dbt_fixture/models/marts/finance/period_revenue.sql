{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='period',
    tags=['fiscal_period'],
) }}
-- One row per fiscal period in the run's range; a rebuild replaces only those periods.
with periods as (
    select strftime(month_start, '%Y-%m') as period
    from generate_series(
        strptime('{{ var("period_from") }}', '%Y-%m'),
        strptime('{{ var("period_to") }}', '%Y-%m'),
        interval 1 month
    ) as t(month_start)
)
select
    period,
    cast(100.00 * cast(substr(period, 6, 2) as integer) as decimal(18, 2)) as revenue,
    'CNY' as currency,
    current_timestamp as built_at
from periods
