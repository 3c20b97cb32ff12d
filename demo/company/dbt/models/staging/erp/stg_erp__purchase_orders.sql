with source as (
    {{ yecai.raw_latest('erp', 'purchase_orders') }}
)

select
    cast(po_no as varchar) as po_no,
    cast(company_code as varchar) as company_code,
    nullif(trim(cast(vendor_no as varchar)), '') as vendor_no,
    nullif(cast(req_no as varchar), '') as req_no,
    cast(po_date as date) as po_date,
    upper(cast(currency as varchar)) as currency,
    cast(net_amount as decimal(18, 2)) as net_amount,
    cast(tax_amount as decimal(18, 2)) as tax_amount,
    cast(gross_amount as decimal(18, 2)) as gross_amount,
    nullif(trim(cast(buyer_user as varchar)), '') as buyer_user_id,
    lower(cast(po_status as varchar)) as po_status,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
