-- payment (standard interface) from the group ERP: payments to vendors, at the booking rate.
select
    payment_no as source_payment_id,
    payment_no as document_number,
    company_code,
    payment_date,
    vendor_no as party_source_code,
    sinv_no as source_invoice_id,
    bank_account_no as bank_account_source_code,
    currency as transaction_currency,
    exchange_rate as document_rate,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__payments') }}
