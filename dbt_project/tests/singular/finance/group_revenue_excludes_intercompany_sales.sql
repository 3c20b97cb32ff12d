-- GROUP's 营业收入 is the revenue earned outside the group: the entities' revenue lines with no
-- group entity as their party, at the rates the lines were translated at, year to date.
with revenue_accounts as (
    select account_code from {{ ref('account_statement_lines') }}
    where statement = 'income_statement' and line_code = 'IS01'
),

external_revenue as (
    select p.period, -sum(l.amount_group) as revenue
    from {{ ref('statement_periods') }} as p
    join {{ ref('translated_gl_lines') }} as l
        on left(l.period, 4) = left(p.period, 4) and l.period <= p.period
    where p.entity_code = 'GROUP'
      and l.account_code in (select account_code from revenue_accounts)
      and l.counterparty_entity_code is null
      and not l.is_opening_balance and not l.is_profit_closing
    group by 1
)

select i.period, i.amount as group_revenue, e.revenue as external_revenue
from {{ ref('income_statement') }} as i
left join external_revenue as e on e.period = i.period
where i.entity_code = 'GROUP' and i.line_code = 'IS01'
  and i.amount <> coalesce(e.revenue, 0)
