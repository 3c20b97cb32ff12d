with source as (
    {{ yecai.raw_latest('erp', 'payments') }}
)

select
    cast(payment_no as varchar) as payment_no,
    cast(company_code as varchar) as company_code,
    nullif(trim(cast(vendor_no as varchar)), '') as vendor_no,
    nullif(cast(sinv_no as varchar), '') as sinv_no,
    cast(payment_date as date) as payment_date,
    upper(cast(currency as varchar)) as currency,
    cast(amount as decimal(18, 2)) as amount,
    cast(exchange_rate as decimal(18, 8)) as exchange_rate,
    cast(bank_account_no as varchar) as bank_account_no,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
