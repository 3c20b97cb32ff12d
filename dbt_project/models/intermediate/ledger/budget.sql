-- Budgets by legal entity, cost centre, local account and month. A budget is a period figure,
-- so it converts at the period-end rate.
with all_budgets as (
    select * from {{ ref('conformed_budget') }}
),

doc as (
    select
        all_budgets.*,
        cast(
            {{ dbt.last_day("cast(make_date(all_budgets.fiscal_year, all_budgets.period_number, 1) as date)", 'month') }}
            as date
        ) as period_end_date,
        {{ legal_entity_columns('all_budgets', 'company_code') }}
    from all_budgets
    {{ legal_entity_join('all_budgets', 'company_code') }}
)

select
    {{ canonical_key('doc.source_budget_id', 'doc') }} as budget_key,
    doc.legal_entity_code,
    doc.fiscal_year,
    cast(doc.fiscal_year as varchar) || '-' || lpad(cast(doc.period_number as varchar), 2, '0') as fiscal_period,
    doc.period_end_date,
    doc.org_unit_source_code,
    doc.account_source_code,
    account.group_account_code,
    doc.budget_version,
    doc.transaction_currency,
    doc.amount,
    doc.functional_currency,
    {{ group_currency_columns(['amount'], 'period_end_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
left join {{ ref('account_crosswalk') }} as account
    on account.source_system = doc.source_system
    and account.source_company_code = doc.company_code
    and account.account_source_code = doc.account_source_code
{{ group_currency_joins('period_end_date') }}
