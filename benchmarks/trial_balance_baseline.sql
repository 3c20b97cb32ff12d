-- Plain DuckDB baseline for benchmarks/bench_dbt.py: the trial balance of the group ERP's
-- entities (E01, E02) straight from the raw zone, in one script, no dbt, no intermediate tables.
-- Same rules as finance.trial_balance: latest version of each record, vouchers that do not
-- balance or have a line without a group account held out, the opening-balance voucher
-- (period 0) brought forward, every account carried to the last period.
-- Placeholders filled by bench_dbt.py: {raw} (raw zone folder), {seeds} (dbt seeds folder).

create or replace table trial_balance_baseline as
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
        e.legal_entity_code as entity_code,
        strftime(v.voucher_date, '%Y-%m') as period,
        v.fiscal_period = 0 as is_opening,
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
),

movements as (
    select
        entity_code, period, account_code,
        coalesce(sum(debit - credit) filter (where is_opening), 0) as brought_forward,
        coalesce(sum(debit) filter (where not is_opening), 0) as debit,
        coalesce(sum(credit) filter (where not is_opening), 0) as credit
    from lines
    where voucher_no not in (select voucher_no from held_out)
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
