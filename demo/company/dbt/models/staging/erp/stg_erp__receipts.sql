with source as (
    {{ yecai.raw_latest('erp', 'receipts') }}
)

select
    cast(receipt_no as varchar) as receipt_no,
    cast(company_code as varchar) as company_code,
    nullif(trim(cast(customer_no as varchar)), '') as customer_no,
    nullif(cast(invoice_no as varchar), '') as invoice_no,
    cast(receipt_date as date) as receipt_date,
    upper(cast(currency as varchar)) as currency,
    cast(amount as decimal(18, 2)) as amount,
    cast(exchange_rate as decimal(18, 8)) as exchange_rate,
    cast(bank_account_no as varchar) as bank_account_no,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
