-- A whole-history model downstream of a per-period one (like statements over the ledger):
-- Dagster runs it after the period model, in the same run.
select sum(revenue) as revenue, count(*) as periods, 'CNY' as currency
from {{ ref('period_revenue') }}
