-- The printed cash flow statement adds up the way the CAS form reads: each activity's 现金流入小计
-- is its inflow lines, 现金流出小计 its outflow lines (both printed positive), its net is inflows
-- minus outflows; 现金及现金等价物净增加额 is the three nets and the exchange effect; 期末 is
-- 期初 plus the increase. Recomputed from the printed amounts, not from the seed of totals.
with printed as (
    select cf.entity_code, cf.period, cf.line_code, cf.section, cf.line_kind, cf.amount,
        cast(l.sign as integer) as sign
    from {{ ref('cash_flow_statement') }} as cf
    join {{ ref('cas_statement_lines') }} as l on l.line_code = cf.line_code
    where cf.panel = 'main'
),

by_activity as (
    select entity_code, period, section,
        sum(amount) filter (where line_kind = 'detail' and sign = 1) as inflows,
        sum(amount) filter (where line_kind = 'detail' and sign = -1) as outflows,
        sum(amount) filter (where line_kind = 'total' and line_code like '%_INFLOWS') as inflow_subtotal,
        sum(amount) filter (where line_kind = 'total' and line_code like '%_OUTFLOWS') as outflow_subtotal,
        sum(amount) filter (where line_kind = 'total' and line_code like 'CF_NET_%') as net
    from printed
    where section in ('operating', 'investing', 'financing')
    group by 1, 2, 3
),

summary as (
    select entity_code, period,
        sum(amount) filter (where line_code in ('CF_NET_OPERATING', 'CF_NET_INVESTING', 'CF_NET_FINANCING', 'CF_FX_EFFECT'))
            as activities,
        sum(amount) filter (where line_code = 'CF_NET_INCREASE') as net_increase,
        sum(amount) filter (where line_code = 'CF_OPENING_CASH') as opening_cash,
        sum(amount) filter (where line_code = 'CF_CLOSING_CASH') as closing_cash
    from printed
    group by 1, 2
)

select entity_code, period, section as what, inflows - outflows as expected, net as printed
from by_activity
where inflows <> inflow_subtotal or outflows <> outflow_subtotal or inflow_subtotal - outflow_subtotal <> net
union all
select entity_code, period, 'net increase', activities, net_increase
from summary
where activities <> net_increase or opening_cash + net_increase <> closing_cash
