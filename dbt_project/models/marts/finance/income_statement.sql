{#- 利润表 (会企02表, the CAS general-enterprise format of 财会〔2019〕6号): one row per entity ×
    period × line, for every legal entity and the consolidated GROUP. amount = year to date
    through the period (本年累计); comparative_amount = the same months of the previous year
    (上年同期累计; blank when the books do not reach back that far). 其中 lines (memo) are
    parts of the line above them (seed statement_memo_lines) and add to no total. GROUP shows
    the translation difference of its foreign entities in other comprehensive income
    (外币财务报表折算差额) and leaves intercompany interest out of its 其中 lines. -#}

with account_lines as (
    select account_code, line_code
    from {{ ref('account_statement_lines') }}
    where statement = 'income_statement'
),

memo_lines as (
    select line_code, account_prefix, side from {{ ref('statement_memo_lines') }}
    where statement = 'income_statement'
),

memo_movements as (
    -- debit-positive, like every raw amount: debits for D lines, credits for C lines
    select l.entity_code as view_entity, l.period, m.line_code, l.amount_functional as amount, m.side
    from {{ ref('translated_gl_lines') }} as l
    join memo_lines as m on starts_with(l.account_code, m.account_prefix)
    where not l.is_opening_balance and not l.is_profit_closing
    union all
    select 'GROUP', l.period, m.line_code, l.amount_group, m.side
    from {{ ref('translated_gl_lines') }} as l
    join memo_lines as m on starts_with(l.account_code, m.account_prefix)
    where not l.is_opening_balance and not l.is_profit_closing and l.counterparty_entity_code is null
),

memo_ytd as (
    select p.entity_code, p.period, m.line_code,
        sum(m.amount) filter (where (m.side = 'D' and m.amount > 0) or (m.side = 'C' and m.amount < 0)) as raw
    from {{ ref('statement_periods') }} as p
    join memo_movements as m
        on m.view_entity = p.entity_code and left(m.period, 4) = left(p.period, 4) and m.period <= p.period
    group by 1, 2, 3
),

ytd as (
    select b.entity_code, b.period, a.line_code, sum(b.ytd_movement) as raw
    from {{ ref('statement_balances') }} as b
    join account_lines as a on a.account_code = b.account_code
    group by 1, 2, 3
    union all
    select entity_code, period, line_code, raw from memo_ytd
),

details as (
    {{ with_comparatives_a_year_later('ytd') }}
),

{{ print_statement('income_statement', 'details', 'has_prior_year_period') }}
