{#- Management KPIs per segment and period. A segment is a legal entity (and GROUP), the
    grain the statements are kept at. Year-to-date figures from the statements; balances at
    period end. Days ratios use the days elapsed in the year to the period end:
    DSO = AR / revenue × days, DPO = AP / cost of sales × days, DIO = inventory / cost of sales
    × days, cash conversion cycle = DSO + DIO − DPO. A ratio with nothing to divide by is null. -#}

with income as (
    select entity_code, period,
        sum(amount) filter (where line_code = 'IS01') as revenue,
        sum(amount) filter (where line_code = 'IS02') as cost_of_sales,
        sum(amount) filter (where line_code in ('IS04', 'IS05', 'IS06')) as operating_expenses,
        sum(amount) filter (where line_code = 'IS17') as net_profit
    from {{ ref('income_statement') }}
    group by 1, 2
),

balances as (
    select entity_code, period,
        sum(amount) filter (where line_code = 'BS04') as receivables,
        sum(amount) filter (where line_code = 'BS22') as payables,
        sum(amount) filter (where line_code = 'BS07') as inventory
    from {{ ref('balance_sheet') }}
    group by 1, 2
),

budget as (
    select entity_code, period,
        sum(budget_expense) as budget_expense,
        sum(actual_expense) as actual_expense
    from {{ ref('budget_vs_actual') }}
    group by 1, 2
),

joined as (
    select
        i.entity_code,
        i.period,
        -- days from 1 January to the period end
        date_diff('day', cast(left(i.period, 4) || '-01-01' as date), {{ period_end_date('i.period') }}) + 1
            as days_elapsed,
        i.revenue, i.cost_of_sales, i.operating_expenses, i.net_profit,
        b.receivables, b.payables, b.inventory,
        bu.budget_expense, bu.actual_expense
    from income as i
    left join balances as b using (entity_code, period)
    left join budget as bu using (entity_code, period)
)

select
    entity_code as segment_code,
    period,
    {{ money('revenue') }} as revenue_ytd,
    {{ money('revenue - cost_of_sales') }} as gross_profit_ytd,
    cast((revenue - cost_of_sales) / nullif(revenue, 0) as decimal(18, 4)) as gross_margin,
    cast(operating_expenses / nullif(revenue, 0) as decimal(18, 4)) as expense_ratio,
    cast(net_profit / nullif(revenue, 0) as decimal(18, 4)) as net_margin,
    cast(receivables / nullif(revenue, 0) * days_elapsed as decimal(18, 1)) as dso_days,
    cast(payables / nullif(cost_of_sales, 0) * days_elapsed as decimal(18, 1)) as dpo_days,
    cast(inventory / nullif(cost_of_sales, 0) * days_elapsed as decimal(18, 1)) as dio_days,
    cast(
        receivables / nullif(revenue, 0) * days_elapsed
        + inventory / nullif(cost_of_sales, 0) * days_elapsed
        - payables / nullif(cost_of_sales, 0) * days_elapsed
        as decimal(18, 1)
    ) as cash_conversion_cycle_days,
    cast(actual_expense / nullif(budget_expense, 0) as decimal(18, 4)) as budget_execution_rate
from joined
