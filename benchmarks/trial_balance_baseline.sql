-- Plain DuckDB baseline for benchmarks/bench_dbt.py and bench_increment.py: the group ERP's
-- entities (E01, E02) straight from the raw zone, in one script, no dbt: the ledger
-- (gl_lines_baseline), the trial balance (trial_balance_baseline), the balance sheet and the
-- income statement in the CAS layout (balance_sheet_baseline, income_statement_baseline).
-- Same rules as the marts finance.gl_lines, trial_balance, balance_sheet and income_statement:
-- latest version of each record, vouchers that do not balance or have a line without a group
-- account held out whole, the opening-balance voucher (period 0) brought forward, every account
-- carried to the last period, statement lines from the group chart (first-level parent as
-- fallback, profit and loss into 未分配利润 on the balance sheet), totals from their component
-- lines, 其中 lines from seed statement_memo_lines, headings blank, comparatives: the balance
-- sheet's at the start of the year where the books hold it, the income statement's the same
-- months a year before. Not covered: E03 (the second ERP, SGD) and the consolidated GROUP.
-- Placeholders filled by the benchmark: {raw} (raw zone folder), {seeds} (the company's dbt seeds:
-- its mappings) and {product_seeds} (the product package's: chart, statement layouts).

create or replace table gl_lines_baseline as
with raw_vouchers as (
    select *
    from read_parquet('{raw}/erp/journal_vouchers/batch=*/*.parquet', union_by_name = true)
    qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1
),

raw_lines as (
    select *
    from read_parquet('{raw}/erp/journal_lines/batch=*/*.parquet', union_by_name = true)
    qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1
),

entities as (
    select source_company_code, legal_entity_code
    from read_csv('{seeds}/legal_entity_map.csv', all_varchar = true)
    where source_system = 'erp'
),

mapping as (
    select source_company_code, local_account_code, group_account_code
    from read_csv('{seeds}/account_mapping.csv', all_varchar = true)
    where source_system = 'erp'
),

lines as (
    select
        l.voucher_no,
        l.line_no,
        e.legal_entity_code as entity_code,
        strftime(v.voucher_date, '%Y-%m') as period,
        v.fiscal_period = 0 as is_opening_balance,
        m.group_account_code as account_code,
        l.debit,
        l.credit
    from raw_lines as l
    join raw_vouchers as v on v.voucher_no = l.voucher_no and not v._is_deleted
    join entities as e on e.source_company_code = l.company_code
    left join mapping as m
        on m.source_company_code = l.company_code and m.local_account_code = l.account_no
    where not l._is_deleted
),

held_out as (
    select voucher_no
    from lines
    group by voucher_no
    having sum(debit) <> sum(credit) or count(*) filter (where account_code is null) > 0
)

select *
from lines
where voucher_no not in (select voucher_no from held_out);

create or replace table trial_balance_baseline as
with movements as (
    select
        entity_code, period, account_code,
        coalesce(sum(debit - credit) filter (where is_opening_balance), 0) as brought_forward,
        coalesce(sum(debit) filter (where not is_opening_balance), 0) as debit,
        coalesce(sum(credit) filter (where not is_opening_balance), 0) as credit
    from gl_lines_baseline
    group by 1, 2, 3
),

periods as (
    select r.entity_code, strftime(m, '%Y-%m') as period
    from (
        select entity_code, min(period) as first_period, (select max(period) from movements) as last_period
        from movements group by 1
    ) as r,
    unnest(generate_series(cast(r.first_period || '-01' as date), cast(r.last_period || '-01' as date), interval 1 month)) as t(m)
),

grid as (
    select p.entity_code, p.period, a.account_code
    from periods as p
    join (select entity_code, account_code, min(period) as first_period from movements group by 1, 2) as a
        on a.entity_code = p.entity_code and p.period >= a.first_period
)

select
    g.entity_code,
    g.period,
    g.account_code,
    cast(sum(coalesce(m.brought_forward, 0) + coalesce(m.debit, 0) - coalesce(m.credit, 0)) over w
        - (coalesce(m.debit, 0) - coalesce(m.credit, 0)) as decimal(18, 2)) as opening_balance,
    cast(coalesce(m.debit, 0) as decimal(18, 2)) as debit,
    cast(coalesce(m.credit, 0) as decimal(18, 2)) as credit,
    cast(sum(coalesce(m.brought_forward, 0) + coalesce(m.debit, 0) - coalesce(m.credit, 0)) over w
        as decimal(18, 2)) as closing_balance
from grid as g
left join movements as m
    on m.entity_code = g.entity_code and m.period = g.period and m.account_code = g.account_code
window w as (partition by g.entity_code, g.account_code order by g.period rows between unbounded preceding and current row);

create or replace temp table statement_balances_baseline as
select
    entity_code, period, account_code, closing_balance, ytd_movement,
    -- 上年年末余额: the balance at the start of the year (brought forward included)
    closing_balance - ytd_movement as year_opening_balance
from (
    select
        entity_code, period, account_code, closing_balance,
        sum(debit - credit) over (
            partition by entity_code, account_code, left(period, 4) order by period
            rows between unbounded preceding and current row
        ) as ytd_movement
    from trial_balance_baseline
);

-- each entity × period, and whether its books hold the balance sheet's comparative: they reach
-- back into the year before, or bring balances forward into this year
create or replace temp table statement_periods_baseline as
with periods as (
    select entity_code, period, min(period) over (partition by entity_code) as first_period
    from (select distinct entity_code, period from trial_balance_baseline)
),

brought_forward_years as (
    select distinct entity_code, left(period, 4) as fiscal_year
    from gl_lines_baseline
    where is_opening_balance
)

select
    p.entity_code, p.period,
    left(p.first_period, 4) < left(p.period, 4) or b.fiscal_year is not null as has_year_opening
from periods as p
left join brought_forward_years as b
    on b.entity_code = p.entity_code and b.fiscal_year = left(p.period, 4);

create or replace temp table account_map_baseline as
with chart as (
    select account_code, account_class, bs_line_code, is_line_code
    from read_csv('{product_seeds}/group_chart_of_accounts.csv', all_varchar = true)
)

select
    u.account_code,
    coalesce(c.account_class, p.account_class) as account_class,
    coalesce(c.bs_line_code, p.bs_line_code) as bs_line_code,
    coalesce(c.is_line_code, p.is_line_code) as is_line_code
from (select distinct account_code from gl_lines_baseline) as u
left join chart as c on c.account_code = u.account_code
left join chart as p on p.account_code = left(u.account_code, 4);

create or replace temp table account_lines_baseline as
select
    account_code, 'balance_sheet' as statement,
    case when account_class = 'profit_and_loss' then 'BS43' else bs_line_code end as line_code
from account_map_baseline
union all
select account_code, 'income_statement', is_line_code
from account_map_baseline
where is_line_code is not null;

-- 其中 lines: parts of the line above them (interest within 财务费用), year to date; the
-- vouchers that close profit into 本年利润 (4103) are left out, as are opening balances
create or replace temp table memo_baseline as
with memo_lines as (
    select line_code, account_prefix, side
    from read_csv('{product_seeds}/finance/statement_memo_lines.csv', all_varchar = true)
    where statement = 'income_statement'
),

profit_closing as (
    select voucher_no from gl_lines_baseline where starts_with(account_code, '4103')
    intersect
    select g.voucher_no
    from gl_lines_baseline as g
    join account_map_baseline as a on a.account_code = g.account_code
    where a.account_class = 'profit_and_loss'
),

movements as (
    select g.entity_code, g.period, m.line_code, g.debit - g.credit as amount, m.side
    from gl_lines_baseline as g
    join memo_lines as m on starts_with(g.account_code, m.account_prefix)
    where not g.is_opening_balance and g.voucher_no not in (select voucher_no from profit_closing)
)

select p.entity_code, p.period, m.line_code,
    sum(m.amount) filter (where (m.side = 'D' and m.amount > 0) or (m.side = 'C' and m.amount < 0))
        as raw_amount
from statement_periods_baseline as p
join movements as m
    on m.entity_code = p.entity_code and left(m.period, 4) = left(p.period, 4)
    and m.period <= p.period
group by 1, 2, 3;

create or replace macro statement_baseline(which, balance_column) as table
with layout as (
    select line_code, cast(sign as integer) as sign, line_kind
    from read_csv('{product_seeds}/cas_statement_lines.csv', all_varchar = true)
    where statement = which
),

balances as (
    select entity_code, period, account_code, year_opening_balance,
        case balance_column when 'closing_balance' then closing_balance else ytd_movement end as balance
    from statement_balances_baseline
),

detail as (
    select b.entity_code, b.period, a.line_code,
        sum(b.balance) as raw_amount, sum(b.year_opening_balance) as raw_opening
    from balances as b
    join account_lines_baseline as a on a.account_code = b.account_code and a.statement = which
    group by 1, 2, 3
    union all
    select entity_code, period, line_code, raw_amount, null
    from memo_baseline
    where which = 'income_statement'
),

totals as (
    select d.entity_code, d.period, t.total_line_code as line_code,
        sum(d.raw_amount) as raw_amount, sum(d.raw_opening) as raw_opening
    from detail as d
    join read_csv('{product_seeds}/finance/statement_line_totals.csv', all_varchar = true) as t
        on t.component_line_code = d.line_code
    group by 1, 2, 3
),

printed as (
    -- headings print nothing; every other line sign × its amount (a line without one: zero)
    select
        ep.entity_code, ep.period, l.line_code, ep.has_year_opening,
        case when l.line_kind <> 'heading' then l.sign * coalesce(
            case when l.line_kind = 'total' then t.raw_amount else d.raw_amount end, 0) end
            as amount,
        case when l.line_kind <> 'heading' then l.sign * coalesce(
            case when l.line_kind = 'total' then t.raw_opening else d.raw_opening end, 0) end
            as opening
    from statement_periods_baseline as ep
    cross join layout as l
    left join (
        select entity_code, period, line_code, sum(raw_amount) as raw_amount,
            sum(raw_opening) as raw_opening
        from detail group by 1, 2, 3
    ) as d
        on d.entity_code = ep.entity_code and d.period = ep.period and d.line_code = l.line_code
    left join totals as t
        on t.entity_code = ep.entity_code and t.period = ep.period and t.line_code = l.line_code
)

-- comparatives: the balance sheet's at the start of the year where the books hold it; the
-- income statement's the same months of the year before (blank where not in the books)
select
    p.entity_code, p.period, p.line_code,
    cast(p.amount as decimal(18, 2)) as amount,
    cast(case which
        when 'balance_sheet' then case when p.has_year_opening then p.opening end
        else c.amount end as decimal(18, 2)) as comparative_amount
from printed as p
left join printed as c
    on which = 'income_statement' and c.entity_code = p.entity_code and c.line_code = p.line_code
    and c.period = cast(cast(left(p.period, 4) as integer) - 1 as varchar) || substr(p.period, 5);

create or replace table balance_sheet_baseline as
select * from statement_baseline('balance_sheet', 'closing_balance');

create or replace table income_statement_baseline as
select * from statement_baseline('income_statement', 'ytd_movement');
