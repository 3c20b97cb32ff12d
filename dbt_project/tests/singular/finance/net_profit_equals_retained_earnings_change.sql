-- 净利润 of the year to date equals the year's increase of 未分配利润 that profit and loss
-- carries into it (the balance sheet's BS43 less equity postings to 4103/4104 and the
-- group's translation difference), per entity and period: the statements tie.
with is_profit as (
    select entity_code, period, amount as net_profit
    from {{ ref('income_statement') }}
    where line_code = 'IS17'
),

pl_balances as (
    -- profit and loss accounts that print on an income statement line, year to date
    select b.entity_code, b.period, -sum(b.ytd_movement) as ytd_profit
    from {{ ref('int_finance__statement_balances') }} as b
    join {{ ref('account_statement_lines') }} as m
        on m.account_code = b.account_code and m.statement = 'income_statement'
    group by 1, 2
)

select i.*, p.ytd_profit
from is_profit as i
left join pl_balances as p on p.entity_code = i.entity_code and p.period = i.period
where i.net_profit <> coalesce(p.ytd_profit, 0)
