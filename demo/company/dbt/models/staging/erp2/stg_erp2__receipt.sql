-- receipt (standard interface) from SimpleBooks: its cash transactions in from customers.
select
    txn_id as source_receipt_id,
    txn_id as document_number,
    company_code,
    txn_date as receipt_date,
    bp_id as party_source_code,
    doc_ref as source_invoice_id,
    cast(null as varchar) as bank_account_source_code,
    currency as transaction_currency,
    fx_rate as document_rate,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp2__cash_transactions') }}
where direction = 'receipt'
