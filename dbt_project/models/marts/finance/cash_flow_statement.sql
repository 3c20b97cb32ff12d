{#- 现金流量表 (会企03表, the CAS general-enterprise format of 财会〔2019〕6号), direct method, with
    the 补充资料 that reconciles net profit to net cash from operating activities (indirect
    method) below it (panel `supplement`). One row per entity (and GROUP) × period × line.
    Inflow and outflow lines print as positive amounts; each activity has 现金流入小计,
    现金流出小计 and its net (inflows − outflows). amount = year to date; comparative_amount =
    the same months of the previous year (blank when the books do not reach back that far).

    The lines come from finance.cash_flow_contributions. 期初/期末现金 are the cash accounts'
    balances at the start of the year and the period end; 汇率变动对现金的影响 is what the flows
    leave of the change in cash: for a legal entity the exchange differences booked against
    cash alone (tested), for GROUP also the translation of foreign cash at the closing rate and
    the intercompany flows left out. -#}

with cash_flow_layout as (
    select line_code, section, line_kind
    from {{ ref('cas_statement_lines') }}
    where statement = 'cash_flow_statement'
),

ytd as (
    select p.entity_code, p.period, c.line_code, sum(c.raw_amount) as raw
    from {{ ref('statement_periods') }} as p
    join {{ ref('cash_flow_contributions') }} as c
        on c.entity_code = p.entity_code and left(c.period, 4) = left(p.period, 4) and c.period <= p.period
    where c.line_code <> 'CF_FX_EFFECT'
    group by 1, 2, 3
),

cash_accounts as (
    select a.account_code
    from (select distinct account_code from {{ ref('statement_balances') }}) as a
    join {{ ref('cash_flow_account_map') }} as m on starts_with(a.account_code, m.account_prefix)
    qualify row_number() over (partition by a.account_code order by length(m.account_prefix) desc) = 1
        and m.activity = 'cash'
),

cash as (
    select p.entity_code, p.period,
        coalesce(sum(b.closing_balance), 0) as closing_cash,
        coalesce(sum(b.year_opening_balance), 0) as opening_cash
    from {{ ref('statement_periods') }} as p
    left join {{ ref('statement_balances') }} as b
        on b.entity_code = p.entity_code and b.period = p.period
        and b.account_code in (select account_code from cash_accounts)
    group by 1, 2
),

activity_flows as (
    select y.entity_code, y.period, sum(y.raw) as flows
    from ytd as y
    join cash_flow_layout as l
        on l.line_code = y.line_code and l.section in ('operating', 'investing', 'financing')
        and l.line_kind = 'detail'
    group by 1, 2
),

amounts as (
    select entity_code, period, line_code, raw from ytd
    union all
    select entity_code, period, 'CF_OPENING_CASH', opening_cash from cash
    union all
    select c.entity_code, c.period, 'CF_FX_EFFECT', c.closing_cash - c.opening_cash - coalesce(f.flows, 0)
    from cash as c
    left join activity_flows as f on f.entity_code = c.entity_code and f.period = c.period
    union all
    select entity_code, period, 'CFS_CASH_CLOSING', closing_cash from cash
    union all
    -- 减：现金的期初余额 (the line's sign prints it positive)
    select entity_code, period, 'CFS_CASH_OPENING', -opening_cash from cash
),

details as (
    {{ with_comparatives_a_year_later('amounts') }}
),

{{ print_statement('cash_flow_statement', 'details', 'has_prior_year_period') }}
