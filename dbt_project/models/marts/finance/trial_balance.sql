{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='period',
        on_schema_change='fail',
        tags=['fiscal_period']
    )
}}
{#- Trial balance (科目余额表): entity × period × account, in the entity's functional currency,
    debit-positive. Every account that has ever moved carries a row in every later period, so
    the closing of one period is the opening of the next and each entity-period nets to zero.
    Profit-and-loss accounts are not closed at year end here; the balance sheet carries them
    into 未分配利润.

    Per fiscal period (tag fiscal_period): balances are always computed over the whole ledger
    (an aggregate of gl_lines, cheap next to gl_lines itself), because a period's opening is
    every earlier period's movements. What is written is narrower: the periods of the run's
    range (vars period_from/period_to), plus every period whose stored figures no longer match
    the ledger (a late posting in March changes the openings of April onwards), so closing =
    next opening holds after any rebuild. Without the vars only the changed periods are
    rewritten, which gives the same table as a full build. The comparison leaves out
    account_name: after renaming an account in the group chart, rebuild with a range or
    --full-refresh. -#}

{%- set period_range = fiscal_period_range() %}

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
),

fresh as (
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
){%- if is_incremental() %},

compared_columns as (
    select entity_code, period, account_code, account_class, functional_currency,
        opening_balance, debit, credit, closing_balance
    from fresh
),

stored_columns as (
    select entity_code, period, account_code, account_class, functional_currency,
        opening_balance, debit, credit, closing_balance
    from {{ this }}
),

periods_to_write as (
    -- periods whose figures changed (either direction of the difference)
    select period from (select * from compared_columns except select * from stored_columns)
    union
    select period from (select * from stored_columns except select * from compared_columns)
    {%- if period_range is not none %}
    union
    select distinct period from fresh
    where period between '{{ period_range[0] }}' and '{{ period_range[1] }}'
    {%- endif %}
)
{%- endif %}

select * from fresh
{%- if is_incremental() %}
where period in (select period from periods_to_write)
{%- endif %}

