{#- The entity × period grid every statement is printed for (each legal entity and the
    consolidated GROUP), with the name printed as 编制单位, the currency of the figures, and
    whether the books hold the comparatives:
    - has_year_opening: the balance sheet's 上年年末余额 — the books reach back into the year
      before, or bring balances forward into this year;
    - has_prior_year_period: the same period a year earlier, for 上年同期 columns.
    Without them the comparative column is blank, never zero. -#}

with entity_periods as (
    select entity_code, period, max(functional_currency) as currency
    from {{ ref('trial_balance') }}
    group by 1, 2
),

brought_forward_years as (
    select distinct entity_code, left(period, 4) as fiscal_year
    from {{ ref('gl_lines') }}
    where is_opening_balance
),

entities as (
    select
        e.entity_code,
        e.period,
        e.currency,
        min(e.period) over (partition by e.entity_code) as first_period,
        b.fiscal_year is not null as brings_balances_forward
    from entity_periods as e
    left join brought_forward_years as b
        on b.entity_code = e.entity_code and b.fiscal_year = left(e.period, 4)
),

all_rows as (
    select entity_code, period, currency, first_period, brings_balances_forward from entities
    union all
    select 'GROUP', period, '{{ var("group_currency") }}', min(first_period), bool_or(brings_balances_forward)
    from entities
    group by period
),

names as (
    select legal_entity_code as entity_code, max(legal_entity_name) as entity_name
    from {{ ref('legal_entity') }}
    group by 1
)

select
    a.entity_code,
    coalesce(n.entity_name, case when a.entity_code = 'GROUP' then '集团合并 (Group consolidated)' end, a.entity_code)
        as entity_name,
    a.period,
    a.currency,
    a.first_period,
    left(a.first_period, 4) < left(a.period, 4) or a.brings_balances_forward as has_year_opening,
    {{ same_period_last_year('a.period') }} >= a.first_period as has_prior_year_period
from all_rows as a
left join names as n on n.entity_code = a.entity_code
