-- payment: money the shop paid to its suppliers.
select
    payment_no as source_payment_id,
    payment_no as document_number,
    'NB' as company_code,
    paid_on as payment_date,
    supplier_id as party_source_code,
    bill_no as source_invoice_id,
    cast(null as varchar) as bank_account_source_code,
    'CNY' as transaction_currency,
    cast(null as decimal(18, 8)) as document_rate,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__payments') }}
