-- Slow on purpose (a few seconds of DuckDB work): a kill lands while dbt writes.
with work as (
    select count(*) as n
    from range(0, {{ env_var('YECAI_FIXTURE_SLOW_ROWS', '60000000') }}) as t(i)
    where i % 7 = 3
)
select customer_id, name, (select n from work) > 0 as checked
from {{ ref('stg_erp__customers') }}
