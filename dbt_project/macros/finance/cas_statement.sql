{#- Shared body of the balance sheet and income statement marts. `balance_column` is the
    int_finance__statement_balances column the statement prints (closing_balance for the
    balance sheet, ytd_movement for the income statement). Detail lines print
    sign × Σ(debit − credit) of their accounts; totals print their own sign × Σ of the
    debit-positive amounts of their component lines (seed statement_line_totals). -#}
{% macro cas_statement(statement, balance_column) %}
with layout as (
    select line_code, line_name_cn as line_name_zh, line_name_en, sort_order as line_order,
           cast(sign as integer) as sign, cast(is_subtotal as boolean) as is_total
    from {{ ref('cas_statement_lines') }}
    where statement = '{{ statement }}'
),

account_lines as (
    select account_code, line_code
    from {{ ref('account_statement_lines') }}
    where statement = '{{ statement }}'
),

balances as (
    select entity_code, period, account_code, {{ balance_column }} as balance
    from {{ ref('int_finance__statement_balances') }}
),

entity_periods as (
    select distinct entity_code, period from balances
),

entity_names as (
    select legal_entity_code as entity_code, max(legal_entity_name) as entity_name
    from {{ ref('legal_entity') }}
    group by 1
    union all
    select 'GROUP', '集团合并 (Group consolidated)'
),

detail_raw as (
    -- debit-positive amount per detail line
    select b.entity_code, b.period, a.line_code, sum(b.balance) as raw_amount
    from balances as b
    join account_lines as a on a.account_code = b.account_code
    group by 1, 2, 3
),

total_raw as (
    select d.entity_code, d.period, t.total_line_code as line_code, sum(d.raw_amount) as raw_amount
    from detail_raw as d
    join {{ ref('statement_line_totals') }} as t on t.component_line_code = d.line_code
    group by 1, 2, 3
),

printed as (
    select
        ep.entity_code,
        ep.period,
        l.line_code,
        l.line_name_zh,
        l.line_name_en,
        l.line_order,
        l.is_total,
        l.sign * coalesce(case when l.is_total then t.raw_amount else d.raw_amount end, 0) as amount
    from entity_periods as ep
    cross join layout as l
    left join detail_raw as d
        on d.entity_code = ep.entity_code and d.period = ep.period and d.line_code = l.line_code
    left join total_raw as t
        on t.entity_code = ep.entity_code and t.period = ep.period and t.line_code = l.line_code
)

select
    p.entity_code,
    coalesce(n.entity_name, p.entity_code) as entity_name,
    p.period,
    p.line_code,
    p.line_name_zh,
    p.line_name_en,
    p.line_order,
    p.is_total,
    {{ money('p.amount') }} as amount,
    {%- if statement == 'balance_sheet' %}
    -- 上年年末余额: the closing of December of the previous year
    {{ money('c.amount') }} as comparative_amount
    {%- else %}
    -- 上年同期累计: the same period one year earlier
    {{ money('c.amount') }} as comparative_amount
    {%- endif %}
from printed as p
left join printed as c
    on c.entity_code = p.entity_code
    and c.line_code = p.line_code
    {%- if statement == 'balance_sheet' %}
    and c.period = cast(cast(left(p.period, 4) as integer) - 1 as varchar) || '-12'
    {%- else %}
    and c.period = cast(cast(left(p.period, 4) as integer) - 1 as varchar) || substr(p.period, 5)
    {%- endif %}
left join entity_names as n on n.entity_code = p.entity_code
{% endmacro %}
