{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(journal_line_increment()) }}",
            "{{ increment_record_batches(journal_line_increment()) }}",
            "{{ increment_delete_scope(journal_line_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(journal_line_increment()) }}"]
    )
}}
{#- Incremental by voucher (macros/incremental/replace_changed_groups.sql): a daily run
    rewrites the vouchers with a newer raw batch (header or lines) or whose looked-up codes and
    rates changed, and drops those deleted at the source; the result equals a full build. -#}
-- Booked journal lines. Functional amounts are the ledger's own; the group amounts convert them
-- at the voucher date. Each local account is mapped onto the group chart through
-- master.account_crosswalk (null + an exception row when unmapped).
with erp_lines as (
    select
        lines.voucher_no || '|' || cast(lines.line_no as varchar) as source_line_id,
        lines.voucher_no as source_voucher_id,
        lines.line_no as line_number,
        lines.company_code,
        vouchers.voucher_date,
        vouchers.fiscal_year,
        vouchers.fiscal_period as period_number,
        lines.account_no as account_source_code,
        coalesce(lines.customer_no, lines.vendor_no) as party_source_code,
        lines.cost_center as org_unit_source_code,
        lines.material_no as product_source_code,
        lines.description,
        lines.currency as transaction_currency,
        lines.debit_tc as debit_amount,
        lines.credit_tc as credit_amount,
        lines.debit as debit_amount_functional,
        lines.credit as credit_amount_functional,
        lines.source_system,
        lines.source_document_id,
        lines.batch_id
    from {{ ref('stg_erp__journal_lines') }} as lines
    inner join {{ ref('stg_erp__journal_vouchers') }} as vouchers
        on vouchers.voucher_no = lines.voucher_no
    {%- if is_incremental() %}
    where {{ in_increment_scope("lines.source_system || ':' || lines.voucher_no") }}
    {%- endif %}
),

-- SimpleBooks entries, whole journals only (line numbers count within the journal).
erp2_entries as (
    select * from {{ ref('stg_erp2__gl_entries') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || journal_no") }}
    {%- endif %}
),

-- SimpleBooks: one entry per posting with a D/C side and positive amounts.
erp2_lines as (
    select
        entries.entry_id as source_line_id,
        entries.journal_no as source_voucher_id,
        cast(row_number() over (partition by entries.journal_no order by cast(entries.entry_id as integer)) as integer)
            as line_number,
        entries.company_code,
        entries.posting_date as voucher_date,
        cast(substr(entries.period, 1, 4) as integer) as fiscal_year,
        case when opening.journal_no is not null then 0 else cast(substr(entries.period, 6, 2) as integer) end
            as period_number,
        entries.acct_code as account_source_code,
        entries.bp_id as party_source_code,
        entries.dept_code as org_unit_source_code,
        cast(null as varchar) as product_source_code,
        entries.memo as description,
        entries.currency as transaction_currency,
        case when entries.side = 'debit' then entries.amount_doc else 0 end as debit_amount,
        case when entries.side = 'credit' then entries.amount_doc else 0 end as credit_amount,
        case when entries.side = 'debit' then entries.amount_sgd else 0 end as debit_amount_functional,
        case when entries.side = 'credit' then entries.amount_sgd else 0 end as credit_amount_functional,
        entries.source_system,
        entries.source_document_id,
        entries.batch_id
    from erp2_entries as entries
    left join (
        select distinct journal_no from erp2_entries where doc_type = 'OPENING'
    ) as opening
        on opening.journal_no = entries.journal_no
),

all_lines as (
    select * from erp_lines
    union all
    select * from erp2_lines
),

doc as (
    select
        all_lines.*,
        {{ legal_entity_columns('all_lines', 'company_code') }}
    from all_lines
    {{ legal_entity_join('all_lines', 'company_code') }}
)

select
    {{ canonical_key('doc.source_line_id', 'doc') }} as journal_line_key,
    {{ canonical_key('doc.source_voucher_id', 'doc') }} as journal_voucher_key,
    doc.line_number,
    doc.legal_entity_code,
    doc.voucher_date,
    doc.fiscal_year,
    doc.period_number,
    cast(doc.fiscal_year as varchar) || '-' || lpad(cast(doc.period_number as varchar), 2, '0') as fiscal_period,
    doc.account_source_code,
    account.group_account_code,
    party.unified_party_code as party_code,
    doc.party_source_code,
    doc.org_unit_source_code,
    product.unified_product_code as product_code,
    doc.product_source_code,
    doc.description,
    doc.transaction_currency,
    doc.debit_amount,
    doc.credit_amount,
    doc.functional_currency,
    {{ group_currency_columns(['debit_amount', 'credit_amount'], 'voucher_date', booked_functional=true) }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
left join {{ ref('account_crosswalk') }} as account
    on account.source_system = doc.source_system
    and account.source_company_code = doc.company_code
    and account.account_source_code = doc.account_source_code
{{ party_join('party', 'doc', 'party_source_code') }}
{{ product_join('product', 'doc', 'product_source_code') }}
{{ group_currency_joins('voucher_date') }}
