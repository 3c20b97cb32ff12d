-- 现金流量表 ties out: closing cash equals the cash accounts of the trial balance (entities) and
-- of the GROUP's statement balances; opening + net increase = closing (the printed lines); and for
-- a legal entity the classified flows explain the whole change in cash: what is left for
-- 汇率变动对现金的影响 is exactly the exchange differences booked against cash alone.
with cf as (
    select
        entity_code,
        period,
        sum(amount) filter (where line_code = 'CF_FX_EFFECT') as fx_effect,
        sum(amount) filter (where line_code = 'CF_NET_INCREASE') as net_increase,
        sum(amount) filter (where line_code = 'CF_OPENING_CASH') as opening_cash,
        sum(amount) filter (where line_code = 'CF_CLOSING_CASH') as closing_cash
    from {{ ref('cash_flow_statement') }}
    group by 1, 2
),

cash_accounts as (
    select account_code from {{ ref('account_statement_lines') }}
    where statement = 'balance_sheet' and left(account_code, 4) in ('1001', '1002', '1012')
),

books as (
    select entity_code, period, sum(closing_balance) as cash
    from {{ ref('trial_balance') }}
    where account_code in (select account_code from cash_accounts)
    group by 1, 2
    union all
    select entity_code, period, sum(closing_balance)
    from {{ ref('statement_balances') }}
    where entity_code = 'GROUP' and account_code in (select account_code from cash_accounts)
    group by 1, 2
),

classified_exchange as (
    select p.entity_code, p.period, sum(c.raw_amount) as exchange
    from {{ ref('statement_periods') }} as p
    join {{ ref('cash_flow_contributions') }} as c
        on c.entity_code = p.entity_code and c.line_code = 'CF_FX_EFFECT'
        and left(c.period, 4) = left(p.period, 4) and c.period <= p.period
    group by 1, 2
)

select cf.*, b.cash as books_cash, x.exchange as classified_exchange
from cf
left join books as b on b.entity_code = cf.entity_code and b.period = cf.period
left join classified_exchange as x on x.entity_code = cf.entity_code and x.period = cf.period
where cf.opening_cash + cf.net_increase <> cf.closing_cash
   or cf.closing_cash <> coalesce(b.cash, 0)
   or (cf.entity_code <> 'GROUP' and cf.fx_effect <> coalesce(x.exchange, 0))
