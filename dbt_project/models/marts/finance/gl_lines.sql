{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='period',
        on_schema_change='fail',
        tags=['fiscal_period']
    )
}}
{#- Booked journal lines in unified codes (总账明细). An unbalanced voucher, a draft, or a voucher
    with a line whose account has no group mapping is held out whole (never plugged) and listed
    in governance.reconciliation_exceptions.

    A source registered with `books: derived` (sources.yml) keeps no ledger of its own: its
    derived vouchers (int_finance__derived_entries, actual ledger; one voucher per business
    document) are its books and are posted here, flagged `is_derived`. A derived document with
    a leg no account could be resolved for, or that does not balance, is held out whole (its
    legs are listed in governance.reconciliation_exceptions).

    Incremental by fiscal period: a run reads, joins and rewrites only the periods touched by
    batches newer than what the table holds, plus the latest period (delete+insert on
    `period`), so a daily increment rewrites one month instead of the whole ledger. Set the var
    `finance_reprocess_from_period` (YYYY-MM) to rebuild from an earlier period, e.g. after a
    source deleted vouchers in a closed month; `--full-refresh` rebuilds everything.

    Per fiscal period (tag fiscal_period, Dagster's monthly partitions): with the vars
    `period_from`/`period_to` the run rewrites the periods of that range instead of the latest
    one, plus any period touched by newer batches. Those must never be skipped: the next run
    finds new batches by comparing with max(batch_id) and max(voucher_batch_id) here, which
    this run advances. A table
    that does not exist yet is built whole, range or not (the trial balance needs history). -#}

{%- set period_range = fiscal_period_range() %}
{%- set derived_books = yecai_sources_with_books('derived') %}

with
{%- if is_incremental() %}
touched_periods as (
    -- periods with a voucher or line newer than anything the table holds, the periods asked
    -- for (the run's range, or else the latest period the table holds: today's postings),
    -- and any period asked for with finance_reprocess_from_period
    -- Vouchers and lines land as separate entities, each with its own batch ids: a voucher
    -- batch is compared with the newest voucher batch the table holds and a line batch with
    -- the newest line batch (comparing a voucher batch with the lines' would find a voucher
    -- landed minutes after its lines "new" on every run, and rewrite every period).
    select distinct {{ fiscal_period('voucher_date') }} as period
    from {{ ref('journal_voucher') }}
    where batch_id > (select coalesce(max(voucher_batch_id), '') from {{ this }} where not is_derived)
    union
    select distinct {{ fiscal_period('voucher_date') }}
    from {{ ref('journal_line') }}
    where batch_id > (select coalesce(max(batch_id), '') from {{ this }} where not is_derived)
    union
    -- derived books: documents newer than any derived line the table holds
    select distinct period
    from {{ ref('int_finance__derived_entries') }}
    where source_system in {{ yecai_sql_list(derived_books) }}
      and batch_id > (select coalesce(max(batch_id), '') from {{ this }} where is_derived)
    union
    {%- if period_range is none %}
    select max(period) from {{ this }}
    {%- else %}
    select distinct {{ fiscal_period('voucher_date') }}
    from {{ ref('journal_voucher') }}
    where {{ fiscal_period('voucher_date') }} between '{{ period_range[0] }}' and '{{ period_range[1] }}'
    {%- endif %}
    union
    select distinct {{ fiscal_period('voucher_date') }}
    from {{ ref('journal_voucher') }}
    where {{ fiscal_period('voucher_date') }} >= '{{ var("finance_reprocess_from_period", "9999-99") }}'
),
{%- endif %}

vouchers as (
    select * from {{ ref('journal_voucher') }}
    {%- if is_incremental() %}
    -- only the periods being rebuilt are read, joined and written
    where {{ fiscal_period('voucher_date') }} in (select period from touched_periods)
    {%- endif %}
),

lines as (
    select * from {{ ref('journal_line') }}
    {%- if is_incremental() %}
    where {{ fiscal_period('voucher_date') }} in (select period from touched_periods)
    {%- endif %}
),

chart as (
    select account_code, account_name_cn from {{ ref('group_chart_of_accounts') }}
),

held_out as (
    select journal_voucher_key from {{ ref('int_finance__held_out_vouchers') }}
),

booked as (
    select
        l.journal_line_key as gl_line_id,
        v.journal_voucher_key as voucher_id,
        v.document_number as voucher_no,
        l.line_number as line_no,
        v.legal_entity_code as entity_code,
        {{ fiscal_period('v.voucher_date') }} as period,
        v.voucher_date as posting_date,
        v.voucher_type,
        -- the opening-balance voucher (period 0) carries balances brought forward, not activity
        coalesce(v.period_number = 0 or v.source_document_type = 'opening', false) as is_opening_balance,
        l.group_account_code as account_code,
        c.account_name_cn as account_name,
        l.account_source_code,
        l.party_code,
        l.org_unit_source_code as cost_centre_code,
        coalesce(l.description, v.description) as description,
        {{ money('l.debit_amount_functional') }} as debit,
        {{ money('l.credit_amount_functional') }} as credit,
        {{ money('l.debit_amount_functional - l.credit_amount_functional') }} as amount_functional,
        l.functional_currency,
        l.transaction_currency,
        {{ money('l.debit_amount - l.credit_amount') }} as amount_transaction,
        {{ money('l.debit_amount_group - l.credit_amount_group') }} as amount_group,
        v.source_document_type,
        v.source_document_key as source_document_id,
        v.source_document_id as voucher_source_id,
        l.source_system,
        l.batch_id,
        -- the voucher's own raw batch: what the next run compares newer voucher batches with
        v.batch_id as voucher_batch_id,
        false as is_derived
    from lines as l
    join vouchers as v on v.journal_voucher_key = l.journal_voucher_key
    left join chart as c on c.account_code = l.group_account_code
    where v.journal_voucher_key not in (select journal_voucher_key from held_out)
),

derived_entries as (
    select *
    from {{ ref('int_finance__derived_entries') }}
    where ledger = 'actual'
      and source_system in {{ yecai_sql_list(derived_books) }}
    {%- if is_incremental() %}
      and period in (select period from touched_periods)
    {%- endif %}
),

-- a derived voucher with an unresolved account, or one that does not balance, is held out whole
derived_held_out as (
    select document_key
    from derived_entries
    group by document_key
    having bool_or(account_code is null) or sum(debit) <> sum(credit)
),

derived as (
    select
        'derived:' || e.derived_entry_id as gl_line_id,
        e.document_key as voucher_id,
        e.document_number as voucher_no,
        cast(row_number() over (partition by e.document_key order by e.rule_id, e.leg_no, e.derived_entry_id) as integer)
            as line_no,
        e.entity_code,
        e.period,
        e.document_date as posting_date,
        'derived' as voucher_type,
        false as is_opening_balance,
        e.account_code,
        c.account_name_cn as account_name,
        cast(null as varchar) as account_source_code,
        e.party_code,
        e.cost_centre_code,
        e.rule_id || ' ' || e.document_type || ' ' || coalesce(e.document_number, '') as description,
        e.debit,
        e.credit,
        e.amount_functional,
        e.functional_currency,
        e.transaction_currency,
        e.amount_transaction,
        case
            when e.functional_currency = '{{ var("group_currency") }}' then e.amount_functional
            else {{ money('cast(e.amount_functional as decimal(38, 2)) * rates.rate') }}
        end as amount_group,
        e.document_type as source_document_type,
        e.document_key as source_document_id,
        e.source_document_id as voucher_source_id,
        e.source_system,
        e.batch_id,
        e.batch_id as voucher_batch_id,
        true as is_derived
    from derived_entries as e
    left join chart as c on c.account_code = e.account_code
    left join {{ ref('int_exchange_rate_ranges') }} as rates
        on rates.currency = e.functional_currency
        and e.document_date >= rates.valid_from
        and e.document_date < rates.valid_to
    where e.document_key not in (select document_key from derived_held_out)
)

select * from booked
union all
select * from derived
