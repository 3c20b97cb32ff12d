-- 现金流量表 ties out: for a legal entity the classified flows explain the whole change in cash
-- (no exchange effect is left over) and closing cash equals the cash accounts of the trial
-- balance; for every row, operating + investing + financing + exchange effect = net increase.
with cf as (
    select
        entity_code,
        period,
        sum(amount) filter (where line_code in ('CF_NET_OPERATING', 'CF_NET_INVESTING', 'CF_NET_FINANCING', 'CF_FX_EFFECT'))
            as activities,
        sum(amount) filter (where line_code = 'CF_FX_EFFECT') as fx_effect,
        sum(amount) filter (where line_code = 'CF_NET_INCREASE') as net_increase,
        sum(amount) filter (where line_code = 'CF_CLOSING_CASH') as closing_cash
    from {{ ref('cash_flow_statement') }}
    group by 1, 2
),

tb as (
    select entity_code, period, sum(closing_balance) as cash
    from {{ ref('trial_balance') }}
    where left(account_code, 4) in ('1001', '1002', '1012')
    group by 1, 2
)

select cf.*, tb.cash as trial_balance_cash
from cf
left join tb on tb.entity_code = cf.entity_code and tb.period = cf.period
where cf.activities <> cf.net_increase
   or (cf.entity_code <> 'GROUP' and (cf.fx_effect <> 0 or cf.closing_cash <> coalesce(tb.cash, 0)))
