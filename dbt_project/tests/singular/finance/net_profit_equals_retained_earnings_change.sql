-- 净利润 of the year to date equals the year's increase of 未分配利润 that profit and loss carries
-- into it, per entity and period, and the 补充资料 starts from the same 净利润: the statements tie.
with is_profit as (
    select entity_code, period, amount as net_profit
    from {{ ref('income_statement') }}
    where line_code = 'IS17'
),

pl_balances as (
    -- profit and loss accounts that print on an income statement line, year to date
    select b.entity_code, b.period, -sum(b.ytd_movement) as ytd_profit
    from {{ ref('statement_balances') }} as b
    join {{ ref('account_statement_lines') }} as m
        on m.account_code = b.account_code and m.statement = 'income_statement'
        and m.account_class = 'profit_and_loss'
    group by 1, 2
),

supplement as (
    select entity_code, period, amount as supplement_net_profit
    from {{ ref('cash_flow_statement') }}
    where line_code = 'CFS_NET_PROFIT'
)

select i.*, p.ytd_profit, s.supplement_net_profit
from is_profit as i
left join pl_balances as p on p.entity_code = i.entity_code and p.period = i.period
left join supplement as s on s.entity_code = i.entity_code and s.period = i.period
where i.net_profit <> coalesce(p.ytd_profit, 0)
   or i.net_profit <> coalesce(s.supplement_net_profit, 0)
