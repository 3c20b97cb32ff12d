{#- The two sides int_finance__document_reconciliation compares, each row with the group it is
    matched in (reconciliation_group: entity, document type, match key). Macros because the model
    both reads them and, to decide what a daily run rewrites, hashes them per group
    (macros/incremental/finance_increment.sql). -#}

{% macro reconciliation_group(entity_code, document_type, match_key) -%}
coalesce({{ entity_code }}, '') || '|' || coalesce({{ document_type }}, '') || '|' || coalesce({{ match_key }}, '')
{%- endmacro %}

{#- Derived entries of the actual ledger, under the document type and key their vouchers are
    matched by: a document its system books on another document's voucher is matched as that
    one; payroll is booked per cost centre and month (`<cost centre>|YYYY-MM`). -#}
{% macro reconciliation_derived_rows() -%}
select {{ reconciliation_group('entity_code', 'document_type', 'match_key') }} as reconciliation_group, *
from (
    select
        e.entity_code,
        coalesce(p.booked_with_document_type, e.document_type) as document_type,
        case
            when e.document_type = 'payroll' then coalesce(e.cost_centre_code, '?') || '|' || e.period
            else regexp_replace(e.document_key, '^[^:]*:', '')
        end as match_key,
        e.document_key,
        e.document_number,
        e.period,
        e.source_system,
        e.batch_id,
        e.account_code,
        e.is_account_exact,
        e.amount_functional,
        e.debit
    from {{ ref('int_finance__derived_entries') }} as e
    left join (
        select source_system, document_type, booked_with_document_type
        from {{ ref('booking_practice') }}
    ) as p on p.source_system = e.source_system and p.document_type = e.document_type
    where e.ledger = 'actual'
) as derived
{%- endmacro %}

{#- Vouchers that point at a business document of a type the actual ledger derives (accruals,
    depreciation, revaluation, payouts and opening balances have none to compare with). -#}
{% macro reconciliation_vouchers() -%}
select {{ reconciliation_group('entity_code', 'document_type', 'match_key') }} as reconciliation_group, *
from (
    select
        v.journal_voucher_key,
        v.document_number as voucher_no,
        v.legal_entity_code as entity_code,
        coalesce(t.document_type, lower(v.source_document_type)) as document_type,
        regexp_replace(v.source_document_key, '^[^:]*:', '') as match_key,
        v.source_document_id as voucher_source_id,
        {{ fiscal_period('v.voucher_date') }} as period,
        v.source_system,
        v.batch_id
    from {{ ref('journal_voucher') }} as v
    left join (
        select source_system, voucher_document_type, key_suffix, document_type
        from {{ ref('voucher_document_types') }}
    ) as t
        on t.source_system = v.source_system
        and t.voucher_document_type = lower(v.source_document_type)
        and ends_with(v.source_document_key, t.key_suffix)
    where v.source_document_key is not null
      and coalesce(v.status, '') <> 'draft'
) as all_vouchers
where document_type in (
    select document_type from {{ ref('posting_rules') }} where ledger = 'actual'
)
{%- endmacro %}

{#- The booked side as the content of each group: its vouchers with the lines' accounts and
    amounts (a voucher without lines still counts). -#}
{% macro reconciliation_booked_rows() -%}
select
    v.*,
    l.journal_line_key,
    l.group_account_code,
    l.debit_amount_functional,
    l.credit_amount_functional
from ({{ reconciliation_vouchers() }}) as v
left join {{ ref('journal_line') }} as l on l.journal_voucher_key = v.journal_voucher_key
{%- endmacro %}
