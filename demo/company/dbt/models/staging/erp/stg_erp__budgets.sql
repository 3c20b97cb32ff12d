with source as (
    {{ yecai.raw_latest('erp', 'budgets') }}
)

select
    cast(company_code as varchar) as company_code,
    cast(fiscal_year as integer) as fiscal_year,
    cast(fiscal_period as integer) as fiscal_period,
    cast(cost_center as varchar) as cost_center,
    cast(account_no as varchar) as account_no,
    cast(budget_version as varchar) as budget_version,
    cast(amount as decimal(18, 2)) as amount,
    upper(cast(currency as varchar)) as currency,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
