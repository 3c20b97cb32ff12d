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
with erp_vouchers as (
    select
        voucher_no as source_voucher_id,
        voucher_no as document_number,
        company_code,
        voucher_date,
        fiscal_year,
        fiscal_period as period_number,
        voucher_type,
        description,
        source_doc_type as source_document_type,
        source_doc_no as source_document_id_ref,
        created_by_user_id,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp__journal_vouchers') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || voucher_no") }}
    {%- endif %}
),

erp_totals as (
    select
        voucher_no as source_voucher_id,
        'erp' as source_system,
        sum(debit) as total_debit,
        sum(credit) as total_credit
    from {{ ref('stg_erp__journal_lines') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || voucher_no") }}
    {%- endif %}
    group by voucher_no
),

-- SimpleBooks: a flat ledger; the entries of one journal_no form a voucher.
erp2_entries as (
    select * from {{ ref('stg_erp2__gl_entries') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || journal_no") }}
    {%- endif %}
),

erp2_vouchers as (
    select
        journal_no as source_voucher_id,
        journal_no as document_number,
        min(company_code) as company_code,
        min(posting_date) as voucher_date,
        cast(substr(min(period), 1, 4) as integer) as fiscal_year,
        -- Opening balances are period 0, as in the group ERP.
        case when bool_or(doc_type = 'OPENING') then 0 else cast(substr(min(period), 6, 2) as integer) end
            as period_number,
        min(doc_type) as voucher_type,
        min(memo) as description,
        min(canonical_document_type) as source_document_type,
        min(doc_ref) as source_document_id_ref,
        cast(null as varchar) as created_by_user_id,
        min(source_system) as source_system,
        journal_no as source_document_id,
        max(batch_id) as batch_id
    from erp2_entries
    group by journal_no
),

erp2_totals as (
    select
        journal_no as source_voucher_id,
        'erp2' as source_system,
        sum(case when side = 'debit' then amount_sgd else 0 end) as total_debit,
        sum(case when side = 'credit' then amount_sgd else 0 end) as total_credit
    from erp2_entries
    group by journal_no
),

all_vouchers as (
    select * from erp_vouchers
    union all
    select * from erp2_vouchers
),

all_totals as (
    select * from erp_totals
    union all
    select * from erp2_totals
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
