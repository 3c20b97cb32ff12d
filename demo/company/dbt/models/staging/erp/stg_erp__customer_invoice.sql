-- customer_invoice (standard interface) from the group ERP's invoice headers. The ERP's invoice
-- rate (functional per unit of the invoice currency) is the booking rate, so functional amounts
-- equal what the ledger booked.
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
