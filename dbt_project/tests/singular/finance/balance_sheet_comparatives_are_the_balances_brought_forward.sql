-- In the first year of the books the balance sheet's 上年年末余额 is the balances brought forward
-- (the trial balance's opening of the year's first period), line by line, for every legal entity;
-- blank where the books bring no balances forward (they begin mid-year, from nothing).
with first_year as (
    select entity_code, min(period) as first_period
    from {{ ref('trial_balance') }}
    group by 1
),

brought_forward as (
    select tb.entity_code, m.line_code, sum(tb.opening_balance) as raw
    from {{ ref('trial_balance') }} as tb
    join first_year as f on f.entity_code = tb.entity_code and f.first_period = tb.period
    join {{ ref('account_statement_lines') }} as m
        on m.account_code = tb.account_code and m.statement = 'balance_sheet'
    group by 1, 2
),

printed as (
    select bs.entity_code, bs.period, bs.line_code, bs.comparative_amount,
        cast(l.sign as integer) as sign, sp.has_year_opening
    from {{ ref('balance_sheet') }} as bs
    join {{ ref('statement_periods') }} as sp on sp.entity_code = bs.entity_code and sp.period = bs.period
    join first_year as f on f.entity_code = bs.entity_code and left(bs.period, 4) = left(f.first_period, 4)
    join {{ ref('cas_statement_lines') }} as l on l.line_code = bs.line_code
    where bs.line_kind = 'detail'
)

select p.*, b.raw
from printed as p
left join brought_forward as b on b.entity_code = p.entity_code and b.line_code = p.line_code
where p.comparative_amount is distinct from
    case when p.has_year_opening then p.sign * coalesce(b.raw, 0) end
