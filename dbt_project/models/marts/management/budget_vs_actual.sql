{#- Budget vs commitment vs actual (预算执行) per entity, period and cost centre, in the
    functional currency. Budget from canonical.budget (expense and revenue lines positive);
    committed = purchase requisitions of the period (derived commitment entries); actual =
    booked profit-and-loss lines carrying the cost centre (revenue = credit-normal accounts,
    expense = the rest, both positive). Rates are null when there is no budget to divide by. -#}

with chart as (
    select account_code, normal_balance from {{ ref('group_chart_of_accounts') }}
),

budget as (
    select
        b.legal_entity_code as entity_code,
        {{ fiscal_period('b.period_end_date') }} as period,
        b.org_unit_source_code as cost_centre_code,
        sum(b.amount_functional) filter (where coalesce(c.normal_balance, p.normal_balance) = 'credit') as budget_revenue,
        sum(b.amount_functional) filter (where coalesce(c.normal_balance, p.normal_balance) <> 'credit'
            or coalesce(c.normal_balance, p.normal_balance) is null) as budget_expense
    from {{ ref('budget') }} as b
    left join chart as c on c.account_code = b.group_account_code
    left join chart as p on p.account_code = left(b.group_account_code, 4)
    group by 1, 2, 3
),

committed as (
    select entity_code, period, cost_centre_code, sum(amount_functional) as committed_amount
    from {{ ref('int_finance__derived_entries') }}
    where ledger = 'commitment' and side = 'D'
    group by 1, 2, 3
),

actual as (
    select
        l.entity_code,
        l.period,
        l.cost_centre_code,
        -sum(l.amount_functional) filter (where coalesce(c.normal_balance, p.normal_balance) = 'credit') as actual_revenue,
        sum(l.amount_functional) filter (where coalesce(c.normal_balance, p.normal_balance) <> 'credit'
            or coalesce(c.normal_balance, p.normal_balance) is null) as actual_expense
    from {{ ref('gl_lines') }} as l
    left join chart as c on c.account_code = l.account_code
    left join chart as p on p.account_code = left(l.account_code, 4)
    where l.cost_centre_code is not null and left(l.account_code, 1) in ('5', '6')
    group by 1, 2, 3
),

keys as (
    select entity_code, period, cost_centre_code from budget
    union
    select entity_code, period, cost_centre_code from committed
    union
    select entity_code, period, cost_centre_code from actual
)

select
    k.entity_code,
    k.period,
    k.cost_centre_code,
    {{ money('coalesce(b.budget_expense, 0)') }} as budget_expense,
    {{ money('coalesce(c.committed_amount, 0)') }} as committed_amount,
    {{ money('coalesce(a.actual_expense, 0)') }} as actual_expense,
    {{ money('coalesce(b.budget_revenue, 0)') }} as budget_revenue,
    {{ money('coalesce(a.actual_revenue, 0)') }} as actual_revenue,
    cast(a.actual_expense / nullif(b.budget_expense, 0) as decimal(18, 4)) as expense_execution_rate,
    cast(a.actual_revenue / nullif(b.budget_revenue, 0) as decimal(18, 4)) as revenue_execution_rate
from keys as k
left join budget as b using (entity_code, period, cost_centre_code)
left join committed as c using (entity_code, period, cost_centre_code)
left join actual as a using (entity_code, period, cost_centre_code)
