{#- 现金流量表, direct method: every voucher that moves a cash account (1001, 1002, 1012) is
    classified by its counterpart lines. Each non-cash line of such a voucher contributes
    −(its debit-positive amount) to the line of its account (seed cash_flow_account_map,
    longest prefix wins); because the voucher balances, the contributions add up to the cash
    movement exactly, with no allocation or rounding. amount = year to date; comparative_amount
    = the same months of the previous year. GROUP adds up every entity's flows in the group
    currency; translating at each line's own rate leaves 汇率变动对现金的影响 (CF_FX_EFFECT),
    which is zero for a single entity. -#}

with entity_lines as (
    select gl_line_id, entity_code, period, voucher_id, account_code, amount_functional, amount_group
    from {{ ref('gl_lines') }}
    -- balances brought forward are opening cash, not a flow of the year
    where not is_opening_balance
),

lines as (
    select gl_line_id, entity_code, period, voucher_id, account_code, amount_functional
    from entity_lines
    union all
    select gl_line_id, 'GROUP', period, voucher_id, account_code, amount_group
    from entity_lines
),

cash_vouchers as (
    select distinct voucher_id
    from lines
    where left(account_code, 4) in ('1001', '1002', '1012')
),

counterpart_lines as (
    select l.entity_code, l.period, l.account_code, -l.amount_functional as cash_effect
    from lines as l
    join cash_vouchers as c on c.voucher_id = l.voucher_id
    where left(l.account_code, 4) not in ('1001', '1002', '1012')
),

-- each counterpart account's map row (the longest prefix wins), decided once per account
-- rather than once per line: a prefix join and a window over every line cost most of this
-- model's time, and a line's classification depends on nothing but its account and its sign
account_lines as (
    select a.account_code, m.inflow_line_code, m.outflow_line_code
    from (select distinct account_code from counterpart_lines) as a
    join {{ ref('cash_flow_account_map') }} as m on starts_with(a.account_code, m.account_prefix)
    qualify row_number() over (
        partition by a.account_code
        order by length(m.account_prefix) desc
    ) = 1
),

classified as (
    select
        c.entity_code,
        c.period,
        case when c.cash_effect >= 0 then a.inflow_line_code else a.outflow_line_code end as line_code,
        c.cash_effect
    from counterpart_lines as c
    join account_lines as a on a.account_code = c.account_code
),

entity_periods as (
    select distinct entity_code, period from {{ ref('int_finance__statement_balances') }}
),

period_flows as (
    select entity_code, period, line_code, sum(cash_effect) as amount
    from classified
    group by 1, 2, 3
),

layout as (
    select line_code, line_name_zh, line_name_en, line_order, activity, cast(is_total as boolean) as is_total
    from {{ ref('cash_flow_lines') }}
),

grid as (
    select ep.entity_code, ep.period, l.*
    from entity_periods as ep
    cross join layout as l
),

detail_ytd as (
    select
        g.entity_code,
        g.period,
        g.line_code,
        g.activity,
        g.is_total,
        sum(coalesce(f.amount, 0)) over (
            partition by g.entity_code, g.line_code, left(g.period, 4)
            order by g.period rows between unbounded preceding and current row
        ) as ytd_amount
    from grid as g
    left join period_flows as f
        on f.entity_code = g.entity_code and f.period = g.period and f.line_code = g.line_code
),

cash_balances as (
    -- opening cash of the year and closing cash of the period, from the statement balances
    -- (functional per entity, group currency for GROUP)
    select
        entity_code,
        period,
        sum(closing_balance) as closing_cash,
        sum(closing_balance - movement) as opening_cash
    from {{ ref('int_finance__statement_balances') }}
    where left(account_code, 4) in ('1001', '1002', '1012')
    group by 1, 2
),

year_opening as (
    select
        ep.entity_code,
        ep.period,
        coalesce(first_value(coalesce(cb.opening_cash, 0)) over (
            partition by ep.entity_code, left(ep.period, 4) order by ep.period
        ), 0) as opening_cash_of_year,
        coalesce(cb.closing_cash, 0) as closing_cash
    from entity_periods as ep
    left join cash_balances as cb on cb.entity_code = ep.entity_code and cb.period = ep.period
),

activity_totals as (
    select entity_code, period, activity, sum(ytd_amount) as ytd_amount
    from detail_ytd
    where not is_total
    group by 1, 2, 3
),

amounts as (
    select entity_code, period, line_code, ytd_amount as amount
    from detail_ytd
    where not is_total
    union all
    select entity_code, period,
        case activity when 'operating' then 'CF_NET_OPERATING' when 'investing' then 'CF_NET_INVESTING'
            else 'CF_NET_FINANCING' end,
        ytd_amount
    from activity_totals
    union all
    -- 净增加额 = the activities plus the exchange effect = closing − opening cash of the year
    select entity_code, period, 'CF_NET_INCREASE', closing_cash - opening_cash_of_year
    from year_opening
    union all
    -- whatever translation leaves between the flows and the cash balances (GROUP only)
    select y.entity_code, y.period, 'CF_FX_EFFECT',
        y.closing_cash - y.opening_cash_of_year - coalesce(sum(a.ytd_amount), 0)
    from year_opening as y
    left join activity_totals as a on a.entity_code = y.entity_code and a.period = y.period
    group by y.entity_code, y.period, y.closing_cash, y.opening_cash_of_year
    union all
    select entity_code, period, 'CF_OPENING_CASH', opening_cash_of_year from year_opening
    union all
    select entity_code, period, 'CF_CLOSING_CASH', closing_cash from year_opening
),

printed as (
    select g.entity_code, g.period, g.line_code, l.line_name_zh, l.line_name_en, l.line_order, l.is_total,
        coalesce(a.amount, 0) as amount
    from (select distinct entity_code, period, line_code from grid) as g
    join layout as l on l.line_code = g.line_code
    left join amounts as a on a.entity_code = g.entity_code and a.period = g.period and a.line_code = g.line_code
),

entity_names as (
    select legal_entity_code as entity_code, max(legal_entity_name) as entity_name
    from {{ ref('legal_entity') }}
    group by 1
    union all
    select 'GROUP', '集团合并 (Group consolidated)'
)

select
    p.entity_code,
    coalesce(n.entity_name, p.entity_code) as entity_name,
    p.period,
    p.line_code,
    p.line_name_zh,
    p.line_name_en,
    p.line_order,
    p.is_total,
    {{ money('p.amount') }} as amount,
    {{ money('c.amount') }} as comparative_amount
from printed as p
left join printed as c
    on c.entity_code = p.entity_code
    and c.line_code = p.line_code
    and c.period = cast(cast(left(p.period, 4) as integer) - 1 as varchar) || substr(p.period, 5)
left join entity_names as n on n.entity_code = p.entity_code
