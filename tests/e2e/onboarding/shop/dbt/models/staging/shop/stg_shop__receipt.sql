-- receipt: money the shop received from its customers.
select
    receipt_no as source_receipt_id,
    receipt_no as document_number,
    'NB' as company_code,
    paid_on as receipt_date,
    customer_id as party_source_code,
    invoice_no as source_invoice_id,
    cast(null as varchar) as bank_account_source_code,
    'CNY' as transaction_currency,
    cast(null as decimal(18, 8)) as document_rate,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__receipts') }}
