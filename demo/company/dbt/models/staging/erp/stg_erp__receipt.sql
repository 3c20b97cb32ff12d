-- receipt (standard interface) from the group ERP: cash received from customers.
select
    receipt_no as source_receipt_id,
    receipt_no as document_number,
    company_code,
    receipt_date,
    customer_no as party_source_code,
    invoice_no as source_invoice_id,
    bank_account_no as bank_account_source_code,
    currency as transaction_currency,
    exchange_rate as document_rate,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__receipts') }}
