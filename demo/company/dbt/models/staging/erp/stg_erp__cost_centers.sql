with source as (
    {{ yecai.raw_latest('erp', 'cost_centers') }}
)

select
    cast(cost_center as varchar) as cost_center,
    cast(company_code as varchar) as company_code,
    cast(cost_center_name as varchar) as cost_center_name,
    cast(valid_from as date) as valid_from,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
