{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(journal_voucher_increment()) }}",
            "{{ increment_record_batches(journal_voucher_increment()) }}",
            "{{ increment_delete_scope(journal_voucher_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(journal_voucher_increment()) }}"]
    )
}}
{#- Incremental by voucher (macros/incremental/replace_changed_groups.sql): a daily run
    rewrites the vouchers with a newer raw batch (header or lines) or whose looked-up codes and
    rates changed, and drops those deleted at the source; the result equals a full build. -#}
-- Booked journal vouchers, header grain, with their line totals in the functional currency.
with all_vouchers as (
    select * from {{ ref('conformed_journal_voucher') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || source_voucher_id") }}
    {%- endif %}
),

-- line totals in the functional currency, per voucher
all_totals as (
    select
        source_system,
        source_voucher_id,
        sum(debit_amount_functional) as total_debit,
        sum(credit_amount_functional) as total_credit
    from {{ ref('conformed_journal_line') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || source_voucher_id") }}
    {%- endif %}
    group by source_system, source_voucher_id
),

doc as (
    select
        all_vouchers.*,
        {{ legal_entity_columns('all_vouchers', 'company_code') }}
    from all_vouchers
    {{ legal_entity_join('all_vouchers', 'company_code') }}
)

select
    {{ canonical_key('doc.source_voucher_id', 'doc') }} as journal_voucher_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.voucher_date,
    doc.fiscal_year,
    doc.period_number,
    cast(doc.fiscal_year as varchar) || '-' || lpad(cast(doc.period_number as varchar), 2, '0') as fiscal_period,
    doc.voucher_type,
    doc.description,
    doc.source_document_type,
    case when doc.source_document_id_ref is not null
        then {{ canonical_key('doc.source_document_id_ref', 'doc') }} end as source_document_key,
    created_by.unified_employee_code as created_by_employee_code,
    'posted' as status,
    doc.functional_currency,
    cast(coalesce(totals.total_debit, 0) as decimal(18, 2)) as total_debit_functional,
    cast(coalesce(totals.total_credit, 0) as decimal(18, 2)) as total_credit_functional,
    coalesce(totals.total_debit, 0) = coalesce(totals.total_credit, 0) as is_balanced,
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
left join all_totals as totals
    on totals.source_system = doc.source_system
    and totals.source_voucher_id = doc.source_voucher_id
{{ employee_join('created_by', 'doc', 'created_by_user_id') }}
