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
with erp_invoices as (
    select
        invoice_no as source_invoice_id,
        invoice_no as document_number,
        company_code,
        invoice_date,
        due_date,
        customer_no as party_source_code,
        order_no as source_order_id,
        delivery_no as source_delivery_id,
        vat_invoice_no,
        currency as transaction_currency,
        exchange_rate as document_rate,
        net_amount,
        tax_amount,
        gross_amount,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp__customer_invoices') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || invoice_no") }}
    {%- endif %}
),

-- SimpleBooks: the sales invoice is the only sales document; fx_rate is SGD (functional)
-- per unit of the invoice currency, i.e. the booking rate.
erp2_invoices as (
    select
        doc_id as source_invoice_id,
        doc_id as document_number,
        company_code,
        doc_date as invoice_date,
        due_date,
        bp_id as party_source_code,
        cast(null as varchar) as source_order_id,
        -- Goods leave with the invoice: the invoice is also the delivery.
        doc_id as source_delivery_id,
        cast(null as varchar) as vat_invoice_no,
        currency as transaction_currency,
        fx_rate as document_rate,
        net_total as net_amount,
        gst_total as tax_amount,
        doc_total as gross_amount,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp2__sales_invoices') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || doc_id") }}
    {%- endif %}
),

all_invoices as (
    select * from erp_invoices
    union all
    select * from erp2_invoices
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
