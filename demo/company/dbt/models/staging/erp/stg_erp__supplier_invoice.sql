-- supplier_invoice (standard interface) from the group ERP, at its booking rate.
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
