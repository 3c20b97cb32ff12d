-- supplier_invoice (standard interface) from SimpleBooks' purchase invoices (bills); fx_rate is
-- SGD per unit of the bill currency.
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
