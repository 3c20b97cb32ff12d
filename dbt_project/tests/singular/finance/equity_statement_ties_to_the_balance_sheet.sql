-- 所有者权益变动表: each column's 本年年末余额 is the balance sheet's line of that component at the
-- period end and its 上年年末余额 the balance sheet's comparative, for every entity, GROUP and
-- period; 综合收益总额 in 未分配利润 is the income statement's 净利润 and in 其他综合收益 its
-- 其他综合收益的税后净额.
with equity as (
    select e.entity_code, e.period, e.line_code, c.bs_line_code, e.column_code, e.amount, e.comparative_amount
    from {{ ref('equity_statement') }} as e
    join {{ ref('equity_statement_columns') }} as c on c.column_code = e.column_code
),

closing_vs_balance_sheet as (
    select e.entity_code, e.period, e.column_code, 'closing' as check_name, e.amount as equity_amount,
        b.amount as other_amount
    from equity as e
    join {{ ref('balance_sheet') }} as b
        on b.entity_code = e.entity_code and b.period = e.period and b.line_code = e.bs_line_code
    where e.line_code = 'EQ24'
),

opening_vs_balance_sheet as (
    select e.entity_code, e.period, e.column_code, 'opening' as check_name, e.amount as equity_amount,
        coalesce(b.comparative_amount, 0) as other_amount
    from equity as e
    join {{ ref('balance_sheet') }} as b
        on b.entity_code = e.entity_code and b.period = e.period and b.line_code = e.bs_line_code
    where e.line_code = 'EQ01'
),

income_vs_income_statement as (
    select e.entity_code, e.period, e.column_code, 'comprehensive_income' as check_name, e.amount as equity_amount,
        i.amount as other_amount
    from equity as e
    join {{ ref('income_statement') }} as i
        on i.entity_code = e.entity_code and i.period = e.period
        and i.line_code = case e.column_code
            when 'EQC_RETAINED_EARNINGS' then 'IS17'
            when 'EQC_OTHER_COMPREHENSIVE_INCOME' then 'IS29'
            when 'EQC_TOTAL' then 'IS33' end
    where e.line_code = 'EQ07'
)

select * from closing_vs_balance_sheet where equity_amount <> other_amount
union all
select * from opening_vs_balance_sheet where equity_amount <> other_amount
union all
select * from income_vs_income_statement where equity_amount <> other_amount
