{#- Vouchers the ledger cannot take as booked, each with its reason: debits ≠ credits, a draft,
    or a line whose local account maps to no group account. They stay out of finance.gl_lines
    whole (a partial voucher would unbalance the trial balance) and surface as exceptions. -#}

with vouchers as (
    select * from {{ ref('journal_voucher') }}
),

lines as (
    select
        journal_voucher_key,
        sum(debit_amount_functional) as total_debit,
        sum(credit_amount_functional) as total_credit,
        count(*) filter (where group_account_code is null) as unmapped_lines,
        string_agg(distinct account_source_code, ', ' order by account_source_code)
            filter (where group_account_code is null)
            as unmapped_accounts
    from {{ ref('journal_line') }}
    group by journal_voucher_key
),

reasons as (
    select
        v.journal_voucher_key,
        v.document_number as voucher_no,
        v.legal_entity_code as entity_code,
        {{ fiscal_period('v.voucher_date') }} as period,
        v.voucher_date,
        v.source_document_type,
        v.source_document_key,
        v.source_system,
        v.source_document_id as voucher_source_id,
        v.batch_id,
        {{ money('coalesce(l.total_debit, 0)') }} as total_debit,
        {{ money('coalesce(l.total_credit, 0)') }} as total_credit,
        case
            when v.status = 'draft' then 'draft_voucher'
            when l.journal_voucher_key is null then 'voucher_without_lines'
            when l.total_debit <> l.total_credit or not coalesce(v.is_balanced, true)
                then 'unbalanced_voucher'
            when l.unmapped_lines > 0 then 'unmapped_account'
        end as hold_reason,
        case
            when v.status = 'draft' then 'voucher is a draft, not posted'
            when l.journal_voucher_key is null then 'voucher has no lines'
            when l.total_debit <> l.total_credit or not coalesce(v.is_balanced, true)
                then 'debits ' || cast(l.total_debit as varchar) || ' ≠ credits '
                    || cast(l.total_credit as varchar) || ': held out of the ledger, not plugged'
            when l.unmapped_lines > 0
                then coalesce('local account(s) ' || l.unmapped_accounts
                    || ' have no group account: map them in seed account_mapping',
                    cast(l.unmapped_lines as varchar) || ' line(s) have no account at all: correct the voucher in the ERP')
        end as detail
    from vouchers as v
    left join lines as l on l.journal_voucher_key = v.journal_voucher_key
)

select *
from reasons
where hold_reason is not null
