-- A whole-history model downstream of a per-period one (like statements over the ledger):
-- Dagster runs it after the period model, in the same run. With
-- YECAI_FIXTURE_FAIL_DBT_MODEL=yes it reads a column that does not exist, so the dbt-failure
-- tests have a model whose SQL fails.
select sum(revenue) as revenue, count(*) as periods, 'CNY' as currency
{%- if env_var("YECAI_FIXTURE_FAIL_DBT_MODEL", "no") == "yes" %}, sum(no_such_column) as broken{% endif %}
from {{ ref('period_revenue') }}
