{#- Trial balance (科目余额表): entity × period × account, in the entity's functional currency,
    debit-positive. Every account that has ever moved carries a row in every later period, so
    the closing of one period is the opening of the next and each entity-period nets to zero.
    Profit-and-loss accounts are not closed at year end here; the balance sheet carries them
    into 未分配利润. -#}

with lines as (
    select entity_code, period, account_code, functional_currency, debit, credit, is_opening_balance
    from {{ ref('gl_lines') }}
),

chart as (
    select account_code, account_name_cn, account_class from {{ ref('group_chart_of_accounts') }}
),

movements as (
    select
        entity_code,
        period,
        account_code,
        max(functional_currency) as functional_currency,
        -- balances brought forward enter the opening balance, not the period's movement
        coalesce(sum(debit - credit) filter (where is_opening_balance), 0) as brought_forward,
        coalesce(sum(debit) filter (where not is_opening_balance), 0) as debit,
        coalesce(sum(credit) filter (where not is_opening_balance), 0) as credit
    from lines
    group by 1, 2, 3
),

period_range as (
    -- one calendar for the group: every entity runs to the latest period anyone has booked
    select
        entity_code,
        min(period) as first_period,
        (select max(period) from lines) as last_period
    from lines
    group by entity_code
),

periods as (
    select
        r.entity_code,
        strftime(month_start, '%Y-%m') as period
    from period_range as r,
        unnest(generate_series(
            cast(r.first_period || '-01' as date),
            cast(r.last_period || '-01' as date),
            interval 1 month
        )) as t(month_start)
),

accounts as (
    select entity_code, account_code, min(period) as first_period, max(functional_currency) as functional_currency
    from movements
    group by 1, 2
),

grid as (
    select p.entity_code, p.period, a.account_code, a.functional_currency
    from periods as p
    join accounts as a
        on a.entity_code = p.entity_code
        and p.period >= a.first_period
),

balances as (
    select
        g.entity_code,
        g.period,
        g.account_code,
        g.functional_currency,
        coalesce(m.debit, 0) as debit,
        coalesce(m.credit, 0) as credit,
        sum(coalesce(m.brought_forward, 0) + coalesce(m.debit, 0) - coalesce(m.credit, 0)) over (
            partition by g.entity_code, g.account_code
            order by g.period
            rows between unbounded preceding and current row
        ) as closing_balance
    from grid as g
    left join movements as m
        on m.entity_code = g.entity_code
        and m.period = g.period
        and m.account_code = g.account_code
)

select
    b.entity_code,
    b.period,
    b.account_code,
    c.account_name_cn as account_name,
    c.account_class,
    b.functional_currency,
    {{ money('b.closing_balance - (b.debit - b.credit)') }} as opening_balance,
    {{ money('b.debit') }} as debit,
    {{ money('b.credit') }} as credit,
    {{ money('b.closing_balance') }} as closing_balance
from balances as b
left join chart as c on c.account_code = b.account_code
