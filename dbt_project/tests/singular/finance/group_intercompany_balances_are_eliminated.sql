-- After elimination no intercompany balance is left in GROUP: on every account a balance rule of
-- seed intercompany_elimination_rules covers, GROUP's closing balance is what the entities hold
-- with parties outside the group, recomputed here from the journal lines (translated at the
-- closing rate where the entity's currency is not the group's; a cent of rounding per entity
-- allowed). What the two sides of a pair disagree by is on ICDIFF-A / ICDIFF-L instead.
with rule_prefixes as (
    select account_prefix from {{ ref('intercompany_elimination_rules') }} where elimination = 'balance'
),

external_lines as (
    select l.entity_code, l.period, l.account_code, l.functional_currency, sum(l.amount_functional) as movement
    from {{ ref('translated_gl_lines') }} as l
    where l.counterparty_entity_code is null
      and exists (select 1 from rule_prefixes as r where starts_with(l.account_code, r.account_prefix))
    group by 1, 2, 3, 4
),

periods as (
    select distinct period from {{ ref('statement_periods') }} where entity_code = 'GROUP'
),

external_balances as (
    select p.period, e.entity_code, e.account_code, e.functional_currency, sum(e.movement) as balance
    from periods as p
    join external_lines as e on e.period <= p.period
    group by 1, 2, 3, 4
),

rates as (
    {{ period_closing_rates() }}
),

expected as (
    select b.period, b.account_code,
        sum(case when b.functional_currency = '{{ var("group_currency") }}' then b.balance
            else round(b.balance * r.closing_rate, 2) end) as external_balance,
        count(distinct b.entity_code) as entities
    from external_balances as b
    left join rates as r on r.period = b.period and r.currency = b.functional_currency
    group by 1, 2
),

group_balances as (
    select period, account_code, closing_balance
    from {{ ref('statement_balances') }}
    where entity_code = 'GROUP'
      and exists (select 1 from rule_prefixes as r where starts_with(account_code, r.account_prefix))
)

select coalesce(g.period, e.period) as period, coalesce(g.account_code, e.account_code) as account_code,
    g.closing_balance as group_balance, e.external_balance
from group_balances as g
full outer join expected as e on e.period = g.period and e.account_code = g.account_code
where abs(coalesce(g.closing_balance, 0) - coalesce(e.external_balance, 0)) > 0.01 * coalesce(e.entities, 1)
