{#- 内部往来余额: at each period end, what every legal entity holds with each other group entity
    under each balance rule of seed intercompany_elimination_rules (which receivable account
    offsets which payable account), per side, account and transaction currency: in the
    transaction currency (what the two sides compare), in the functional currency (the books)
    and in the group currency (assets and liabilities at the closing rate, the way the group
    balance sheet translates them). finance.consolidation_entries eliminates exactly these
    group amounts; finance.intercompany_reconciliation compares the two sides. -#}

with rules as (
    select rule_id, role, account_prefix
    from {{ ref('intercompany_elimination_rules') }}
    where elimination = 'balance'
),

intercompany_lines as (
    select gl_line_id, entity_code, counterparty_entity_code, period, account_code,
        transaction_currency, functional_currency, amount_transaction, amount_functional
    from {{ ref('translated_gl_lines') }}
    where counterparty_entity_code is not null
),

ruled as (
    -- the longest matching prefix decides the rule of an account (122101 loans before 1221)
    select i.*, r.rule_id, r.role
    from intercompany_lines as i
    join rules as r on starts_with(i.account_code, r.account_prefix)
    qualify row_number() over (partition by i.gl_line_id order by length(r.account_prefix) desc) = 1
),

movements as (
    select entity_code, counterparty_entity_code, rule_id, role, account_code, transaction_currency,
        functional_currency, period,
        sum(amount_transaction) as transaction_movement,
        sum(amount_functional) as functional_movement
    from ruled
    group by 1, 2, 3, 4, 5, 6, 7, 8
),

balance_keys as (
    select entity_code, counterparty_entity_code, rule_id, role, account_code, transaction_currency,
        functional_currency, min(period) as first_period
    from movements
    group by 1, 2, 3, 4, 5, 6, 7
),

grid as (
    select k.*, p.period
    from balance_keys as k
    join (select distinct period from {{ ref('trial_balance') }}) as p on p.period >= k.first_period
),

balances as (
    select
        g.period, g.entity_code, g.counterparty_entity_code, g.rule_id, g.role, g.account_code,
        g.transaction_currency, g.functional_currency,
        sum(coalesce(m.transaction_movement, 0)) over w as balance_transaction,
        sum(coalesce(m.functional_movement, 0)) over w as balance_functional
    from grid as g
    left join movements as m
        on m.entity_code = g.entity_code and m.counterparty_entity_code = g.counterparty_entity_code
        and m.rule_id = g.rule_id and m.account_code = g.account_code
        and m.transaction_currency = g.transaction_currency and m.period = g.period
    window w as (
        partition by g.entity_code, g.counterparty_entity_code, g.rule_id, g.account_code, g.transaction_currency
        order by g.period rows between unbounded preceding and current row
    )
),

rates as (
    {{ period_closing_rates() }}
)

select
    b.period,
    b.entity_code,
    b.counterparty_entity_code,
    b.rule_id,
    b.role,
    b.account_code,
    b.transaction_currency,
    b.functional_currency,
    {{ money('b.balance_transaction') }} as balance_transaction,
    {{ money('b.balance_functional') }} as balance_functional,
    {{ money("case when b.functional_currency = '" ~ var('group_currency') ~ "' then b.balance_functional
        else round(cast(b.balance_functional as decimal(38, 2)) * r.closing_rate, 2) end") }} as balance_group
from balances as b
left join rates as r on r.period = b.period and r.currency = b.functional_currency
