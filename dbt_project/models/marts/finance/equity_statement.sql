{#- 所有者权益变动表 (会企04表, the CAS general-enterprise format of 财会〔2019〕6号): one row per
    entity (and GROUP) × period × row × column; the rows are the statement's (seed
    cas_statement_lines, statement equity_statement), the columns the components of equity
    (seed equity_statement_columns), each the balance-sheet line it closes to. amount = the year
    to date (本年金额); comparative_amount = the same months of the previous year (上年金额;
    blank when the books do not reach back that far). Increases of equity are positive; the
    库存股 column prints treasury shares positive, as the form subtracts them.

    上年年末余额 is the balance sheet's comparative; 综合收益总额 is net profit (未分配利润) and
    other comprehensive income (其他综合收益, GROUP's translation difference); every other
    movement of an equity account is put on its row by seed equity_movement_rules (the first
    rule, by priority, whose account, side and counterpart in the same voucher match).
    本年年末余额 equals the balance sheet's line of each column (tested). -#}

with columns as (
    select c.column_code, c.column_name_zh, c.column_name_en, cast(c.column_order as integer) as column_order,
        c.bs_line_code, cast(c.is_total as boolean) as is_total_column, cast(l.sign as integer) as sign
    from {{ ref('equity_statement_columns') }} as c
    join {{ ref('cas_statement_lines') }} as l on l.statement = 'balance_sheet' and l.line_code = c.bs_line_code
),

component_accounts as (
    select a.account_code, c.column_code
    from {{ ref('account_statement_lines') }} as a
    join columns as c on c.bs_line_code = a.line_code and not c.is_total_column
    where a.statement = 'balance_sheet'
),

profit_and_loss_accounts as (
    select account_code from {{ ref('account_statement_lines') }}
    where statement = 'balance_sheet' and account_class = 'profit_and_loss'
),

openings as (
    select b.entity_code, b.period, 'EQ01' as line_code, a.column_code, sum(b.year_opening_balance) as raw
    from {{ ref('statement_balances') }} as b
    join component_accounts as a on a.account_code = b.account_code
    group by all
),

comprehensive_income as (
    -- net profit into 未分配利润; everything that is no profit and no equity account of the
    -- books (the translation difference) is other comprehensive income
    select b.entity_code, b.period, 'EQ07' as line_code, a.column_code, sum(b.ytd_movement) as raw
    from {{ ref('statement_balances') }} as b
    join component_accounts as a on a.account_code = b.account_code
    where b.account_code in (select account_code from profit_and_loss_accounts)
       or b.account_code in (select account_code from {{ ref('consolidation_accounts') }} where account_class = 'equity')
    group by all
),

equity_lines as (
    select l.gl_line_id as line_id, l.voucher_id, l.entity_code as view_entity, l.period, l.account_code,
        l.amount_functional as amount
    from {{ ref('translated_gl_lines') }} as l
    where l.account_class = 'equity' and not l.is_opening_balance and not l.is_profit_closing
    union all
    select l.gl_line_id, l.voucher_id, 'GROUP', l.period, l.account_code, l.amount_group
    from {{ ref('translated_gl_lines') }} as l
    where l.account_class = 'equity' and not l.is_opening_balance and not l.is_profit_closing
),

voucher_accounts as (
    select distinct l.voucher_id, l.account_code, l.gl_line_id as line_id
    from {{ ref('translated_gl_lines') }} as l
    where l.voucher_id in (select voucher_id from equity_lines)
),

rules as (
    select cast(priority as integer) as priority, equity_account_prefix, side, counterpart_account_prefix, row_code
    from {{ ref('equity_movement_rules') }}
),

classified_lines as (
    select e.*, r.row_code
    from equity_lines as e
    join rules as r
        on starts_with(e.account_code, r.equity_account_prefix)
        and (r.side = '*' or (r.side = 'D' and e.amount > 0) or (r.side = 'C' and e.amount < 0))
        and (r.counterpart_account_prefix = '*' or exists (
            select 1 from voucher_accounts as v
            where v.voucher_id = e.voucher_id and v.line_id <> e.line_id
              and starts_with(v.account_code, r.counterpart_account_prefix)
        ))
    qualify row_number() over (
        partition by e.view_entity, e.line_id order by r.priority, length(r.equity_account_prefix) desc
    ) = 1
),

movements as (
    select p.entity_code, p.period, c.row_code as line_code, a.column_code, sum(c.amount) as raw
    from {{ ref('statement_periods') }} as p
    join classified_lines as c
        on c.view_entity = p.entity_code and left(c.period, 4) = left(p.period, 4) and c.period <= p.period
    join component_accounts as a on a.account_code = c.account_code
    group by all
),

current_figures as (
    select * from openings
    union all
    select * from comprehensive_income
    union all
    select * from movements
),

details as (
    select entity_code, period, line_code, column_code, raw as raw_amount, cast(null as decimal(38, 2)) as raw_comparative
    from current_figures
    union all
    select entity_code, {{ same_period_next_year('period') }}, line_code, column_code, null, raw
    from current_figures
),

with_total_column as (
    select * from details
    union all
    select entity_code, period, line_code, 'EQC_TOTAL', raw_amount, raw_comparative from details
),

layout as (
    select line_code, line_name_cn as line_name_zh, line_name_en, sort_order as line_order, line_kind
    from {{ ref('cas_statement_lines') }}
    where statement = 'equity_statement'
),

cells as (
    select d.entity_code, d.period, d.line_code, d.column_code,
        sum(d.raw_amount) as raw_amount, sum(d.raw_comparative) as raw_comparative
    from with_total_column as d
    group by all
),

total_cells as (
    select d.entity_code, d.period, t.total_line_code as line_code, d.column_code,
        sum(d.raw_amount) as raw_amount, sum(d.raw_comparative) as raw_comparative
    from cells as d
    join {{ ref('statement_line_totals') }} as t on t.component_line_code = d.line_code
    group by all
),

printed as (
    select
        p.entity_code, p.entity_name, p.period, p.currency, p.has_prior_year_period,
        l.line_code, l.line_name_zh, l.line_name_en, l.line_order, l.line_kind,
        c.column_code, c.column_name_zh, c.column_name_en, c.column_order, c.sign,
        case when l.line_kind = 'total' then t.raw_amount else d.raw_amount end as raw_amount,
        case when l.line_kind = 'total' then t.raw_comparative else d.raw_comparative end as raw_comparative
    from {{ ref('statement_periods') }} as p
    cross join layout as l
    cross join columns as c
    left join cells as d
        on d.entity_code = p.entity_code and d.period = p.period and d.line_code = l.line_code
        and d.column_code = c.column_code
    left join total_cells as t
        on t.entity_code = p.entity_code and t.period = p.period and t.line_code = l.line_code
        and t.column_code = c.column_code
)

select
    entity_code,
    entity_name,
    period,
    currency,
    line_code,
    line_name_zh,
    line_name_en,
    line_order,
    line_kind = 'total' as is_total,
    column_code,
    column_name_zh,
    column_name_en,
    column_order,
    {{ money('sign * coalesce(raw_amount, 0)') }} as amount,
    {{ money('case when has_prior_year_period then sign * coalesce(raw_comparative, 0) end') }} as comparative_amount
from printed
