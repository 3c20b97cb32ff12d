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
with all_lines as (
    select * from {{ ref('conformed_journal_line') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || source_voucher_id") }}
    {%- endif %}
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
