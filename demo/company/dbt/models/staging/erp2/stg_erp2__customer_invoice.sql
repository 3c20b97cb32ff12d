-- customer_invoice (standard interface) from SimpleBooks: the sales invoice is its only sales
-- document; fx_rate is SGD (functional) per unit of the invoice currency, i.e. the booking rate.
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
