with source as (
    {{ yecai.raw_latest('erp', 'supplier_invoices') }}
)

select
    cast(sinv_no as varchar) as sinv_no,
    cast(company_code as varchar) as company_code,
    nullif(trim(cast(vendor_no as varchar)), '') as vendor_no,
    nullif(cast(po_no as varchar), '') as po_no,
    nullif(cast(vendor_invoice_ref as varchar), '') as vendor_invoice_ref,
    cast(invoice_date as date) as invoice_date,
    cast(due_date as date) as due_date,
    upper(cast(currency as varchar)) as currency,
    cast(exchange_rate as decimal(18, 8)) as exchange_rate,
    cast(net_amount as decimal(18, 2)) as net_amount,
    cast(tax_amount as decimal(18, 2)) as tax_amount,
    cast(gross_amount as decimal(18, 2)) as gross_amount,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
