-- Supplier invoices, header grain, at the ERP's booking rate.
with erp_invoices as (
    select
        sinv_no as source_invoice_id,
        sinv_no as document_number,
        company_code,
        invoice_date,
        due_date,
        vendor_no as party_source_code,
        po_no as source_order_id,
        vendor_invoice_ref,
        currency as transaction_currency,
        exchange_rate as document_rate,
        net_amount,
        tax_amount,
        gross_amount,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp__supplier_invoices') }}
),

-- SimpleBooks: purchase invoices (bills), fx_rate = SGD per unit of the bill currency.
erp2_invoices as (
    select
        doc_id as source_invoice_id,
        doc_id as document_number,
        company_code,
        doc_date as invoice_date,
        due_date,
        bp_id as party_source_code,
        cast(null as varchar) as source_order_id,
        supplier_ref as vendor_invoice_ref,
        currency as transaction_currency,
        fx_rate as document_rate,
        net_total as net_amount,
        gst_total as tax_amount,
        doc_total as gross_amount,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp2__purchase_invoices') }}
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
    {{ canonical_key('doc.source_invoice_id', 'doc') }} as supplier_invoice_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.invoice_date,
    doc.due_date,
    vendor.unified_party_code as party_code,
    doc.party_source_code,
    case when doc.source_order_id is not null then {{ canonical_key('doc.source_order_id', 'doc') }} end
        as purchase_order_key,
    doc.vendor_invoice_ref,
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
{{ party_join('vendor', 'doc', 'party_source_code') }}
{{ group_currency_joins('invoice_date') }}
