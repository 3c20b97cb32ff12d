{#- Anomaly alerts routed to the department that owns them (异常预警): a cost centre spending
    more than 110% of its budget (owner: the cost centre), receivables more than 90 days past
    due above 20% of a customer's open balance (owner: sales), and periods with document-level
    reconciliation exceptions (owner: finance). One row per alert with the figure and the
    threshold that raised it. -#}

with over_budget as (
    select
        'over_budget' as alert_type,
        entity_code,
        period,
        cost_centre_code as owner_department,
        cost_centre_code as subject,
        cast(expense_execution_rate as decimal(18, 4)) as metric_value,
        cast(1.10 as decimal(18, 4)) as threshold,
        'cost centre ' || cost_centre_code || ' spent ' || cast(actual_expense as varchar)
            || ' against a budget of ' || cast(budget_expense as varchar) as message
    from {{ ref('budget_vs_actual') }}
    where budget_expense > 0 and expense_execution_rate > 1.10
),

overdue_receivables as (
    select
        'overdue_receivables' as alert_type,
        entity_code,
        period,
        'sales' as owner_department,
        party_code as subject,
        cast((days_91_180 + days_over_180) / nullif(total_open, 0) as decimal(18, 4)) as metric_value,
        cast(0.20 as decimal(18, 4)) as threshold,
        'customer ' || party_code || ' has ' || cast(days_91_180 + days_over_180 as varchar)
            || ' more than 90 days past due of ' || cast(total_open as varchar) || ' open' as message
    from {{ ref('ar_aging') }}
    where total_open > 0 and (days_91_180 + days_over_180) / total_open > 0.20
),

reconciliation as (
    select
        'reconciliation_exceptions' as alert_type,
        entity_code,
        period,
        'finance' as owner_department,
        entity_code as subject,
        cast(count(*) as decimal(18, 4)) as metric_value,
        cast(0 as decimal(18, 4)) as threshold,
        cast(count(*) as varchar) || ' documents differ between business and books: see governance.reconciliation_exceptions'
            as message
    from {{ ref('reconciliation_exceptions') }}
    where check_level = 'document'
    group by entity_code, period
)

select
    md5(concat_ws('|', alert_type, entity_code, period, subject)) as alert_id,
    *
from (
    select * from over_budget
    union all
    select * from overdue_receivables
    union all
    select * from reconciliation
)
