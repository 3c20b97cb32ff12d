{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(customer_invoice_increment()) }}",
            "{{ increment_record_batches(customer_invoice_increment()) }}",
            "{{ increment_delete_scope(customer_invoice_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(customer_invoice_increment()) }}"]
    )
}}
{#- Incremental by invoice (macros/incremental/replace_changed_groups.sql): a daily run rewrites
    the invoices with a newer raw batch or whose looked-up codes and rates changed, and drops
    those deleted at the source; the result equals a full build. -#}
-- Customer invoices, header grain. The ERP's invoice rate (functional per unit of the invoice
-- currency) is the booking rate, so functional amounts equal what the ledger booked.
with all_invoices as (
    select * from {{ ref('conformed_customer_invoice') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || source_invoice_id") }}
    {%- endif %}
),

doc as (
    select
        all_invoices.*,
        {{ legal_entity_columns('all_invoices', 'company_code') }}
    from all_invoices
    {{ legal_entity_join('all_invoices', 'company_code') }}
)

select
    {{ canonical_key('doc.source_invoice_id', 'doc') }} as customer_invoice_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.invoice_date,
    doc.due_date,
    customer.unified_party_code as party_code,
    doc.party_source_code,
    case when doc.source_order_id is not null then {{ canonical_key('doc.source_order_id', 'doc') }} end
        as sales_order_key,
    case when doc.source_delivery_id is not null then {{ canonical_key('doc.source_delivery_id', 'doc') }} end
        as delivery_key,
    doc.vat_invoice_no,
    doc.transaction_currency,
    doc.net_amount,
    doc.tax_amount,
    doc.gross_amount,
    doc.functional_currency,
    {{ group_currency_columns(['net_amount', 'tax_amount', 'gross_amount'], 'invoice_date', document_rate='document_rate') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('customer', 'doc', 'party_source_code') }}
{{ group_currency_joins('invoice_date') }}
