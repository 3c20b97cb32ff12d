{#- 资产负债表 (会企01表, the CAS general-enterprise format of 财会〔2019〕6号): one row per entity
    × period × line, for every legal entity and the consolidated GROUP. amount = closing balance
    at the period end (期末余额); comparative_amount = the balance at the end of the previous
    year (上年年末余额: the December before, or the balances brought forward into the year; blank
    when the books hold neither). Profit and loss to date is carried into 未分配利润, so 资产总计 =
    负债和所有者权益总计 every period. -#}

with account_lines as (
    select account_code, line_code
    from {{ ref('account_statement_lines') }}
    where statement = 'balance_sheet'
),

details as (
    select b.entity_code, b.period, a.line_code,
        sum(b.closing_balance) as raw_amount, sum(b.year_opening_balance) as raw_comparative
    from {{ ref('statement_balances') }} as b
    join account_lines as a on a.account_code = b.account_code
    group by 1, 2, 3
),

{{ print_statement('balance_sheet', 'details', 'has_year_opening') }}
