{#- Which statement line each group account is printed on (the drill-through map). Balance-sheet
    lines come from the group chart (seed group_chart_of_accounts); profit-and-loss accounts are
    not closed at year end, so on the balance sheet they print in 未分配利润 (BS43). An account
    the chart does not know maps through its first-level parent. The GROUP's consolidation
    pseudo-accounts (translation difference, unreconciled intercompany differences) come from
    seed consolidation_accounts. -#}

with chart as (
    select account_code, account_name_cn, account_class, bs_line_code, is_line_code
    from {{ ref('group_chart_of_accounts') }}
    union all
    select account_code, account_name_cn, account_class, bs_line_code, is_line_code
    from {{ ref('consolidation_accounts') }}
),

used_accounts as (
    select distinct account_code from {{ ref('trial_balance') }}
    union
    select account_code from chart
),

mapped as (
    select
        u.account_code,
        coalesce(c.account_name_cn, p.account_name_cn) as account_name,
        coalesce(c.account_class, p.account_class) as account_class,
        coalesce(c.bs_line_code, p.bs_line_code) as chart_bs_line_code,
        coalesce(c.is_line_code, p.is_line_code) as is_line_code
    from used_accounts as u
    left join chart as c on c.account_code = u.account_code
    left join chart as p on p.account_code = left(u.account_code, 4)
),

lines as (
    select
        account_code,
        account_name,
        account_class,
        'balance_sheet' as statement,
        case when account_class = 'profit_and_loss' then 'BS43' else chart_bs_line_code end as line_code
    from mapped
    union all
    select account_code, account_name, account_class, 'income_statement' as statement, is_line_code
    from mapped
    where is_line_code is not null
)

select * from lines
