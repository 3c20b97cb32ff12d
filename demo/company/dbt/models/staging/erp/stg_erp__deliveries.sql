with source as (
    {{ yecai.raw_latest('erp', 'deliveries') }}
)

select
    cast(delivery_no as varchar) as delivery_no,
    cast(company_code as varchar) as company_code,
    cast(order_no as varchar) as order_no,
    nullif(trim(cast(customer_no as varchar)), '') as customer_no,
    cast(delivery_date as date) as delivery_date,
    nullif(cast(warehouse_code as varchar), '') as warehouse_code,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
