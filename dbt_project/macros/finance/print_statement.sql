{#- The printed rows of one CAS statement (seed cas_statement_lines), for every entity and period
    of finance.statement_periods: detail lines print sign × their raw amount, totals sign × the
    raw amounts of their components (seed statement_line_totals), headings print nothing.

    `details` is a relation or CTE name with entity_code, period, line_code, raw_amount and
    raw_comparative for the detail and memo lines (a line without a row prints zero).
    `comparative_flag` is the statement_periods column that says whether the comparative exists
    (has_year_opening or has_prior_year_period): where it does not, the comparative is blank,
    never zero. -#}
{% macro print_statement(statement, details, comparative_flag) %}
layout as (
    select line_code, line_name_cn as line_name_zh, line_name_en, sort_order as line_order,
        cast(sign as integer) as sign, line_kind, panel, section
    from {{ ref('cas_statement_lines') }}
    where statement = '{{ statement }}'
),

statement_grid as (
    select p.entity_code, p.entity_name, p.period, p.currency, p.{{ comparative_flag }} as has_comparative
    from {{ ref('statement_periods') }} as p
),

total_amounts as (
    select d.entity_code, d.period, t.total_line_code as line_code,
        sum(d.raw_amount) as raw_amount, sum(d.raw_comparative) as raw_comparative
    from {{ details }} as d
    join {{ ref('statement_line_totals') }} as t on t.component_line_code = d.line_code
    group by 1, 2, 3
),

raw_lines as (
    select entity_code, period, line_code, sum(raw_amount) as raw_amount, sum(raw_comparative) as raw_comparative
    from {{ details }}
    group by 1, 2, 3
),

printed as (
    select
        g.entity_code,
        g.entity_name,
        g.period,
        g.currency,
        l.line_code,
        l.line_name_zh,
        l.line_name_en,
        l.line_order,
        l.line_kind,
        l.panel,
        l.section,
        case when l.line_kind <> 'heading' then
            l.sign * coalesce(case when l.line_kind = 'total' then t.raw_amount else d.raw_amount end, 0)
        end as amount,
        case when l.line_kind <> 'heading' and g.has_comparative then
            l.sign * coalesce(case when l.line_kind = 'total' then t.raw_comparative else d.raw_comparative end, 0)
        end as comparative_amount
    from statement_grid as g
    cross join layout as l
    left join raw_lines as d
        on d.entity_code = g.entity_code and d.period = g.period and d.line_code = l.line_code
    left join total_amounts as t
        on t.entity_code = g.entity_code and t.period = g.period and t.line_code = l.line_code
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
    line_kind,
    panel,
    section,
    {{ money('amount') }} as amount,
    {{ money('comparative_amount') }} as comparative_amount
from printed
{% endmacro %}
