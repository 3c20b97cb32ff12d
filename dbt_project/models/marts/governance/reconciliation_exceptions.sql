{#- Every difference between documents and books, each with its reason (业财对账差异):
    per document (missing booking, amount differs, account differs, booked without a document),
    per voucher (unbalanced, unmapped account, draft: held out of the ledger), per posting rule
    (no account resolved), per control account (subledger ≠ control account per entity and
    period for AR, AP, inventory and payroll payable) and between group entities (the two sides
    of an intercompany invoice or balance disagree, finance.intercompany_reconciliation).
    Nothing is dropped silently. -#}

with documents as (
    select * from {{ ref('int_finance__document_reconciliation') }}
),

document_exceptions as (
    select
        'document' as check_level,
        case
            when not has_booking then 'missing_booking'
            when not has_document then 'booked_without_document'
            when greatest(abs(coalesce(derived_total, 0) - coalesce(booked_total, 0)), abs(coalesce(derived_total, 0) - coalesce(booked_credit_total, 0))) > {{ var('reconciliation_tolerance', 0.05) }}
                then 'amount_differs'
            else 'account_differs'
        end as exception_type,
        entity_code,
        period,
        document_type,
        document_key,
        match_key as document_source_id,
        voucher_id,
        voucher_no,
        voucher_source_id,
        cast(null as varchar) as account_code,
        derived_total as derived_amount,
        booked_total as booked_amount,
        source_system,
        batch_id,
        case
            when not has_booking then 'no voucher was booked for this ' || document_type || ' (derived debits '
                || cast(derived_total as varchar) || ')'
            when not has_document then 'voucher ' || voucher_no || ' points at ' || document_type || ' '
                || match_key || ', which does not exist'
            when greatest(abs(coalesce(derived_total, 0) - coalesce(booked_total, 0)), abs(coalesce(derived_total, 0) - coalesce(booked_credit_total, 0))) > {{ var('reconciliation_tolerance', 0.05) }}
                then 'booked ' || cast(booked_total as varchar)
                    || case when booked_credit_total <> booked_total
                        then ' debits / ' || cast(booked_credit_total as varchar) || ' credits (voucher unbalanced)'
                        else '' end
                    || ' but the document derives ' || cast(derived_total as varchar)
                    || coalesce(' (' || account_differences || ')', '')
            else 'same total, different accounts: ' || account_differences
        end as reason
    from documents
    where not has_booking
       or not has_document
       or greatest(abs(coalesce(derived_total, 0) - coalesce(booked_total, 0)), abs(coalesce(derived_total, 0) - coalesce(booked_credit_total, 0))) > {{ var('reconciliation_tolerance', 0.05) }}
       or account_differences is not null
),

voucher_exceptions as (
    select
        'voucher' as check_level,
        hold_reason as exception_type,
        entity_code,
        period,
        lower(source_document_type) as document_type,
        source_document_key as document_key,
        regexp_replace(source_document_key, '^[^:]*:', '') as document_source_id,
        journal_voucher_key as voucher_id,
        voucher_no,
        voucher_source_id,
        cast(null as varchar) as account_code,
        total_debit as derived_amount,
        total_credit as booked_amount,
        source_system,
        batch_id,
        detail as reason
    from {{ ref('int_finance__held_out_vouchers') }}
),

rule_exceptions as (
    select
        'posting_rule' as check_level,
        case when account_code is null then 'no_account_resolved' else 'amount_missing' end as exception_type,
        entity_code,
        period,
        document_type,
        document_key,
        regexp_replace(document_key, '^[^:]*:', '') as document_source_id,
        cast(null as varchar) as voucher_id,
        cast(null as varchar) as voucher_no,
        cast(null as varchar) as voucher_source_id,
        account_code,
        amount_functional as derived_amount,
        cast(null as decimal(18, 2)) as booked_amount,
        source_system,
        batch_id,
        case
            when account_code is null
                then 'rule ' || rule_id || ' leg ' || cast(leg_no as varchar) || ': no account for role '
                    || account_role || ' on any level of its chain; add a row to seed account_determination'
            else 'rule ' || rule_id || ': the document has no ' || amount_basis || ' amount'
        end as reason
    from {{ ref('int_finance__derived_entries') }}
    where account_code is null or amount_functional is null
),

control_exceptions as (
    select
        'control_account' as check_level,
        'subledger_differs' as exception_type,
        entity_code,
        period,
        control as document_type,
        cast(null as varchar) as document_key,
        cast(null as varchar) as document_source_id,
        cast(null as varchar) as voucher_id,
        cast(null as varchar) as voucher_no,
        cast(null as varchar) as voucher_source_id,
        control_account_prefix as account_code,
        subledger_amount as derived_amount,
        control_amount as booked_amount,
        cast(null as varchar) as source_system,
        cast(null as varchar) as batch_id,
        control || ' subledger ' || cast(subledger_amount as varchar) || ' ≠ control account '
            || control_account_prefix || ' ' || cast(control_amount as varchar)
            || ' (difference ' || cast(subledger_amount - control_amount as varchar) || ')'
            -- point the reviewer at the document differences that can explain it
            || coalesce('; ' || cast((
                select nullif(count(*), 0) from document_exceptions as d
                where d.entity_code = c.entity_code and d.period <= c.period
                  and d.document_type in (
                      select unnest(case c.control
                          when 'accounts_receivable' then ['customer_invoice', 'receipt']
                          when 'accounts_payable' then ['supplier_invoice', 'payment']
                          when 'inventory' then ['goods_receipt', 'delivery', 'customer_invoice', 'supplier_invoice']
                          else ['payroll'] end)
                  )
            ) as varchar) || ' document exception(s) of this entity up to this period bear on it', '')
            as reason
    from {{ ref('int_finance__control_account_reconciliation') }} as c
    where abs(subledger_amount - control_amount) > {{ var('reconciliation_tolerance', 0.05) }}
),

intercompany_exceptions as (
    -- both sides: derived_amount is the seller's (creditor's), booked_amount the buyer's (debtor's)
    select
        'intercompany' as check_level,
        'intercompany_' || status as exception_type,
        creditor_entity_code as entity_code,
        period,
        subject as document_type,
        document_key,
        seller_document as document_source_id,
        cast(null as varchar) as voucher_id,
        buyer_document as voucher_no,
        cast(null as varchar) as voucher_source_id,
        cast(null as varchar) as account_code,
        creditor_amount as derived_amount,
        debtor_amount as booked_amount,
        source_system,
        batch_id,
        reason
    from {{ ref('intercompany_reconciliation') }}
    where status <> 'matched'
),

all_exceptions as (
    select * from document_exceptions
    union all
    select * from voucher_exceptions
    union all
    select * from rule_exceptions
    union all
    select * from control_exceptions
    union all
    select * from intercompany_exceptions
)

select
    md5(concat_ws('|', check_level, exception_type, entity_code, period, document_type,
        coalesce(document_source_id, ''), coalesce(voucher_id, ''), coalesce(account_code, ''),
        coalesce(reason, ''))) as exception_id,
    check_level,
    exception_type,
    entity_code,
    period,
    document_type,
    document_key,
    document_source_id,
    voucher_id,
    voucher_no,
    voucher_source_id,
    account_code,
    {{ money('derived_amount') }} as derived_amount,
    {{ money('booked_amount') }} as booked_amount,
    {{ money('coalesce(derived_amount, 0) - coalesce(booked_amount, 0)') }} as difference_amount,
    source_system,
    batch_id,
    reason
from all_exceptions
