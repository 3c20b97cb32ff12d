{#- Small helpers shared by the finance models. Sign convention, written down once:
    every amount in the finance marts is debit-positive (debit = +, credit = −) in the
    functional currency of its legal entity unless the column name says otherwise. -#}

{#- Fiscal period 'YYYY-MM' of a date. Dispatched so a Spark/Trino target can override it. -#}
{% macro fiscal_period(date_expr) -%}
    {{ return(adapter.dispatch('fiscal_period')(date_expr)) }}
{%- endmacro %}

{% macro default__fiscal_period(date_expr) -%}
    strftime(cast({{ date_expr }} as date), '%Y-%m')
{%- endmacro %}

{#- Last calendar day of a 'YYYY-MM' period. -#}
{% macro period_end_date(period_expr) -%}
    cast(last_day(cast({{ period_expr }} || '-01' as date)) as date)
{%- endmacro %}

{#- Money is decimal(18, 2), never float. -#}
{% macro money(expr) -%}
    cast({{ expr }} as decimal(18, 2))
{%- endmacro %}

{#- Debit-positive signed amount from a side ('D'/'C') and an unsigned amount. -#}
{% macro signed_by_side(side_expr, amount_expr) -%}
    case when {{ side_expr }} = 'D' then {{ amount_expr }} else -({{ amount_expr }}) end
{%- endmacro %}

{#- Aging bucket of an open item from its days past due (CAS practice: 账龄). -#}
{% macro aging_bucket(days_expr) -%}
    case
        when {{ days_expr }} <= 0 then 'current'
        when {{ days_expr }} <= 30 then '1-30'
        when {{ days_expr }} <= 60 then '31-60'
        when {{ days_expr }} <= 90 then '61-90'
        when {{ days_expr }} <= 180 then '91-180'
        else '>180'
    end
{%- endmacro %}
