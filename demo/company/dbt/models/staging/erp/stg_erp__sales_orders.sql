with source as (
    {{ yecai.raw_latest('erp', 'sales_orders') }}
)

select
    cast(order_no as varchar) as order_no,
    cast(company_code as varchar) as company_code,
    nullif(trim(cast(customer_no as varchar)), '') as customer_no,
    cast(order_date as date) as order_date,
    cast(requested_date as date) as requested_date,
    upper(cast(currency as varchar)) as currency,
    cast(net_amount as decimal(18, 2)) as net_amount,
    cast(tax_amount as decimal(18, 2)) as tax_amount,
    cast(gross_amount as decimal(18, 2)) as gross_amount,
    nullif(trim(cast(sales_rep_user as varchar)), '') as sales_rep_user_id,
    lower(cast(order_status as varchar)) as order_status,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
