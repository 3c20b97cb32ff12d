-- budget (standard interface) from the group ERP: by company, cost centre, local account and month.
select
    company_code || '|' || cast(fiscal_year as varchar) || '|' || cast(fiscal_period as varchar)
        || '|' || cost_center || '|' || account_no || '|' || budget_version as source_budget_id,
    company_code,
    fiscal_year,
    fiscal_period as period_number,
    cost_center as org_unit_source_code,
    account_no as account_source_code,
    budget_version,
    currency as transaction_currency,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__budgets') }}
