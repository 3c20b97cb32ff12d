-- Plain DuckDB baseline for benchmarks/bench_dbt.py and bench_increment.py: the group ERP's
-- entities (E01, E02) straight from the raw zone, in one script, no dbt: the ledger
-- (gl_lines_baseline), the trial balance (trial_balance_baseline), the balance sheet and the
-- income statement in the CAS layout (balance_sheet_baseline, income_statement_baseline).
-- Same rules as the marts finance.gl_lines, trial_balance, balance_sheet and income_statement:
-- latest version of each record, vouchers that do not balance or have a line without a group
-- account held out whole, the opening-balance voucher (period 0) brought forward, every account
-- carried to the last period, statement lines from the group chart (first-level parent as
-- fallback, profit and loss into 未分配利润 on the balance sheet), totals from their component
-- lines. Not covered: E03 (the second ERP, SGD) and the consolidated GROUP.
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
    entity_code, period, account_code, closing_balance,
    sum(debit - credit) over (
        partition by entity_code, account_code, left(period, 4) order by period
        rows between unbounded preceding and current row
    ) as ytd_movement
from trial_balance_baseline;

create or replace temp table account_lines_baseline as
with chart as (
    select account_code, account_class, bs_line_code, is_line_code
    from read_csv('{product_seeds}/group_chart_of_accounts.csv', all_varchar = true)
),

mapped as (
    select
        u.account_code,
        coalesce(c.account_class, p.account_class) as account_class,
        coalesce(c.bs_line_code, p.bs_line_code) as bs_line_code,
        coalesce(c.is_line_code, p.is_line_code) as is_line_code
    from (select distinct account_code from trial_balance_baseline) as u
    left join chart as c on c.account_code = u.account_code
    left join chart as p on p.account_code = left(u.account_code, 4)
)

select
    account_code, 'balance_sheet' as statement,
    case when account_class = 'profit_and_loss' then 'BS43' else bs_line_code end as line_code
from mapped
union all
select account_code, 'income_statement', is_line_code from mapped where is_line_code is not null;

create or replace macro statement_baseline(which, balance_column) as table
with layout as (
    select line_code, cast(sign as integer) as sign, line_kind = 'total' as is_total
    from read_csv('{product_seeds}/cas_statement_lines.csv', all_varchar = true)
    where statement = which
),

balances as (
    select entity_code, period, account_code,
        case balance_column when 'closing_balance' then closing_balance else ytd_movement end as balance
    from statement_balances_baseline
),

detail as (
    select b.entity_code, b.period, a.line_code, sum(b.balance) as raw_amount
    from balances as b
    join account_lines_baseline as a on a.account_code = b.account_code and a.statement = which
    group by 1, 2, 3
),

totals as (
    select d.entity_code, d.period, t.total_line_code as line_code, sum(d.raw_amount) as raw_amount
    from detail as d
    join read_csv('{product_seeds}/finance/statement_line_totals.csv', all_varchar = true) as t
        on t.component_line_code = d.line_code
    group by 1, 2, 3
),

printed as (
    select
        ep.entity_code, ep.period, l.line_code,
        l.sign * coalesce(case when l.is_total then t.raw_amount else d.raw_amount end, 0) as amount
    from (select distinct entity_code, period from balances) as ep
    cross join layout as l
    left join detail as d
        on d.entity_code = ep.entity_code and d.period = ep.period and d.line_code = l.line_code
    left join totals as t
        on t.entity_code = ep.entity_code and t.period = ep.period and t.line_code = l.line_code
)

select
    p.entity_code, p.period, p.line_code,
    cast(p.amount as decimal(18, 2)) as amount,
    cast(c.amount as decimal(18, 2)) as comparative_amount
from printed as p
left join printed as c
    on c.entity_code = p.entity_code and c.line_code = p.line_code
    and c.period = cast(cast(left(p.period, 4) as integer) - 1 as varchar)
        || case which when 'balance_sheet' then '-12' else substr(p.period, 5) end;

create or replace table balance_sheet_baseline as
select * from statement_baseline('balance_sheet', 'closing_balance');

create or replace table income_statement_baseline as
select * from statement_baseline('income_statement', 'ytd_movement');
