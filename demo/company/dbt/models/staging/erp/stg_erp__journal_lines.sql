with source as (
    {{ yecai.raw_latest('erp', 'journal_lines') }}
)

select
    cast(voucher_no as varchar) as voucher_no,
    cast(line_no as integer) as line_no,
    cast(company_code as varchar) as company_code,
    nullif(trim(cast(account_no as varchar)), '') as account_no,
    cast(description as varchar) as description,
    cast(debit as decimal(18, 2)) as debit,
    cast(credit as decimal(18, 2)) as credit,
    upper(cast(currency as varchar)) as currency,
    cast(exchange_rate as decimal(18, 8)) as exchange_rate,
    cast(debit_tc as decimal(18, 2)) as debit_tc,
    cast(credit_tc as decimal(18, 2)) as credit_tc,
    nullif(cast(cost_center as varchar), '') as cost_center,
    nullif(trim(cast(customer_no as varchar)), '') as customer_no,
    nullif(trim(cast(vendor_no as varchar)), '') as vendor_no,
    nullif(trim(cast(material_no as varchar)), '') as material_no,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
