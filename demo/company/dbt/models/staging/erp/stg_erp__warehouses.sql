with source as (
    {{ yecai.raw_latest('erp', 'warehouses') }}
)

select
    cast(warehouse_code as varchar) as warehouse_code,
    cast(company_code as varchar) as company_code,
    cast(warehouse_name as varchar) as warehouse_name,
    cast(city as varchar) as city,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
