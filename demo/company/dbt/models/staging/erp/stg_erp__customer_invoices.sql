with source as (
    {{ yecai.raw_latest('erp', 'customer_invoices') }}
)

select
    cast(invoice_no as varchar) as invoice_no,
    cast(company_code as varchar) as company_code,
    nullif(trim(cast(customer_no as varchar)), '') as customer_no,
    nullif(cast(order_no as varchar), '') as order_no,
    nullif(cast(delivery_no as varchar), '') as delivery_no,
    cast(invoice_date as date) as invoice_date,
    cast(due_date as date) as due_date,
    upper(cast(currency as varchar)) as currency,
    cast(exchange_rate as decimal(18, 8)) as exchange_rate,
    cast(net_amount as decimal(18, 2)) as net_amount,
    cast(tax_amount as decimal(18, 2)) as tax_amount,
    cast(gross_amount as decimal(18, 2)) as gross_amount,
    nullif(cast(vat_invoice_no as varchar), '') as vat_invoice_no,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
