{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(document_reconciliation_increment()) }}",
            "{{ increment_record_batches(document_reconciliation_increment()) }}",
            "{{ increment_delete_scope(document_reconciliation_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(document_reconciliation_increment()) }}"]
    )
}}
{#- Derived (what the documents say finance should book) against booked (the vouchers that
    point at the document), per document and account. One row per document × first-level
    account with both sides, so the exception model can say exactly what differs.

    Matching key: (entity, document type, the document's id without its `<system>:` prefix).
    Payroll is booked per cost centre and month (`<cost centre>|YYYY-MM`), so derived payroll
    entries are summed to that key first. Accounts listed in the var
    `reconciliation_ignored_account_prefixes` (exchange differences, bank charges) are booked
    only on the voucher side by design and are left out of the account comparison.

    Incremental by matched document (macros/incremental/finance_increment.sql): a daily run
    rewrites the (entity, document type, match key) groups whose derived entries or vouchers
    and lines differ from the last run's, and drops those gone; the result equals a full
    build. Both sides are read through macros/finance/reconciliation_rows.sql. -#}

{%- set ignored = var('reconciliation_ignored_account_prefixes', ['6603']) %}

with derived as (
    select * exclude (reconciliation_group)
    from ({{ reconciliation_derived_rows() }}) as derived_rows
    where source_system not in {{ yecai_sql_list(yecai_sources_with_books('derived')) }}
    {%- if is_incremental() %}
      and {{ in_increment_scope('reconciliation_group') }}
    {%- endif %}
),

vouchers as (
    select * exclude (reconciliation_group)
    from ({{ reconciliation_vouchers() }}) as voucher_rows
    {%- if is_incremental() %}
    where {{ in_increment_scope('reconciliation_group') }}
    {%- endif %}
),

booked as (
    select
        v.entity_code,
        v.document_type,
        v.match_key,
        l.group_account_code as account_code,
        l.debit_amount_functional - l.credit_amount_functional as amount_functional,
        l.debit_amount_functional as debit
    from vouchers as v
    join {{ ref('journal_line') }} as l on l.journal_voucher_key = v.journal_voucher_key
),

derived_by_account as (
    select entity_code, document_type, match_key, left(coalesce(account_code, '?'), 4) as account_code,
        sum(amount_functional) as derived_amount
    from derived
    group by 1, 2, 3, 4
),

booked_by_account as (
    select entity_code, document_type, match_key, left(coalesce(account_code, '?'), 4) as account_code,
        sum(amount_functional) as booked_amount
    from booked
    group by 1, 2, 3, 4
),

derived_documents as (
    select
        entity_code, document_type, match_key,
        min(document_key) as document_key,
        min(document_number) as document_number,
        min(period) as period,
        min(source_system) as source_system,
        max(batch_id) as batch_id,
        bool_or(not is_account_exact) as has_inexact_account
    from derived
    group by 1, 2, 3
),

-- totals are the debit side after netting each account within the document, so a clearing
-- account (GR/IR) that a merged receipt + invoice debits and credits does not count twice
derived_totals as (
    select entity_code, document_type, match_key, sum(greatest(net_amount, 0)) as derived_total
    from (
        select entity_code, document_type, match_key, account_code, sum(amount_functional) as net_amount
        from derived
        group by 1, 2, 3, 4
    )
    group by 1, 2, 3
),

booked_documents as (
    select
        entity_code, document_type, match_key,
        min(journal_voucher_key) as voucher_id,
        -- the few documents booked by several vouchers list them all (several_vouchers)
        min(voucher_no) as voucher_no,
        min(voucher_source_id) as voucher_source_id,
        min(voucher_no) <> max(voucher_no)
            or min(voucher_source_id) <> max(voucher_source_id) as has_several_vouchers,
        min(period) as period,
        min(source_system) as source_system,
        max(batch_id) as batch_id
    from vouchers
    group by 1, 2, 3
),

several_vouchers as (
    -- A document booked by several vouchers lists each once, sorted. Only those few documents
    -- are listed this way: an ordered string_agg over every document keeps rows per group to
    -- sort, which did not fit dbt's memory cap at scale 10 (docs/decisions/bounded-memory.md).
    select
        v.entity_code, v.document_type, v.match_key,
        string_agg(distinct v.voucher_no, ', ' order by v.voucher_no) as voucher_no,
        string_agg(distinct v.voucher_source_id, ', ' order by v.voucher_source_id) as voucher_source_id
    from vouchers as v
    semi join booked_documents as bd
        on bd.has_several_vouchers
        and bd.entity_code is not distinct from v.entity_code
        and bd.document_type is not distinct from v.document_type
        and bd.match_key is not distinct from v.match_key
    group by 1, 2, 3
),

booked_totals as (
    select entity_code, document_type, match_key,
        sum(greatest(net_amount, 0)) as booked_total,
        sum(greatest(-net_amount, 0)) as booked_credit_total,
        bool_or(account_code is null) as has_unmapped_line
    from (
        select entity_code, document_type, match_key, account_code, sum(amount_functional) as net_amount
        from booked
        group by 1, 2, 3, 4
    )
    group by 1, 2, 3
),

account_compare as (
    select
        coalesce(d.entity_code, b.entity_code) as entity_code,
        coalesce(d.document_type, b.document_type) as document_type,
        coalesce(d.match_key, b.match_key) as match_key,
        coalesce(d.account_code, b.account_code) as account_code,
        coalesce(d.derived_amount, 0) as derived_amount,
        coalesce(b.booked_amount, 0) as booked_amount
    from derived_by_account as d
    full outer join booked_by_account as b
        on b.entity_code = d.entity_code
        and b.document_type = d.document_type
        and b.match_key = d.match_key
        and b.account_code = d.account_code
    left join derived_documents as dd
        on dd.entity_code = coalesce(d.entity_code, b.entity_code)
        and dd.document_type = coalesce(d.document_type, b.document_type)
        and dd.match_key = coalesce(d.match_key, b.match_key)
    -- where the rule cannot know the expense group (services, salaries), the profit-and-loss
    -- and cost accounts of the document are compared by amount only (in the totals)
    -- a line without a group account is reported on its voucher (unmapped_account), not here
    where coalesce(d.account_code, b.account_code) <> '?'
    and not (coalesce(dd.has_inexact_account, false) and left(coalesce(d.account_code, b.account_code), 1) in ('5', '6'))
    {%- if ignored %}
    and not (
        {%- for prefix in ignored %}
        starts_with(coalesce(d.account_code, b.account_code), '{{ prefix }}'){% if not loop.last %} or{% endif %}
        {%- endfor %}
    )
    {%- endif %}
),

-- A voucher line without a group account is reported on the voucher (unmapped_account). The
-- account it should have carried then looks short here, which would only repeat that finding,
-- so on such a document only an account the document derives nothing for is a difference: that
-- account is wrong whatever the missing line was meant to be.
account_differences as (
    select
        c.entity_code, c.document_type, c.match_key,
        string_agg(
            c.account_code || ': derived ' || cast({{ money('c.derived_amount') }} as varchar)
                || ', booked ' || cast({{ money('c.booked_amount') }} as varchar),
            '; ' order by c.account_code
        ) as account_differences
    from account_compare as c
    left join booked_totals as bt
        on bt.entity_code = c.entity_code and bt.document_type = c.document_type and bt.match_key = c.match_key
    where abs(c.derived_amount - c.booked_amount) > {{ var('reconciliation_tolerance', 0.05) }}
      and (not coalesce(bt.has_unmapped_line, false) or c.derived_amount = 0)
    group by 1, 2, 3
)

select
    coalesce(dd.entity_code, bd.entity_code) as entity_code,
    coalesce(dd.document_type, bd.document_type) as document_type,
    coalesce(dd.match_key, bd.match_key) as match_key,
    dd.document_key,
    dd.document_number,
    coalesce(dd.period, bd.period) as period,
    coalesce(dd.source_system, bd.source_system) as source_system,
    coalesce(dd.batch_id, bd.batch_id) as batch_id,
    bd.voucher_id,
    coalesce(sv.voucher_no, bd.voucher_no) as voucher_no,
    coalesce(sv.voucher_source_id, bd.voucher_source_id) as voucher_source_id,
    dd.match_key is not null as has_document,
    bd.match_key is not null as has_booking,
    {{ money('dt.derived_total') }} as derived_total,
    {{ money('bt.booked_total') }} as booked_total,
    -- an unbalanced voucher has credits ≠ debits; its document is then off on one side
    {{ money('bt.booked_credit_total') }} as booked_credit_total,
    ad.account_differences
from derived_documents as dd
full outer join booked_documents as bd
    on bd.entity_code = dd.entity_code
    and bd.document_type = dd.document_type
    and bd.match_key = dd.match_key
left join several_vouchers as sv
    on sv.entity_code is not distinct from bd.entity_code
    and sv.document_type is not distinct from bd.document_type
    and sv.match_key is not distinct from bd.match_key
left join derived_totals as dt
    on dt.entity_code = dd.entity_code and dt.document_type = dd.document_type and dt.match_key = dd.match_key
left join booked_totals as bt
    on bt.entity_code = bd.entity_code and bt.document_type = bd.document_type and bt.match_key = bd.match_key
left join account_differences as ad
    on ad.entity_code = coalesce(dd.entity_code, bd.entity_code)
    and ad.document_type = coalesce(dd.document_type, bd.document_type)
    and ad.match_key = coalesce(dd.match_key, bd.match_key)
