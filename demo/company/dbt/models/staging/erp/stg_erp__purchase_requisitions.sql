with source as (
    {{ yecai.raw_latest('erp', 'purchase_requisitions') }}
)

select
    cast(req_no as varchar) as req_no,
    cast(company_code as varchar) as company_code,
    cast(cost_center as varchar) as cost_center,
    nullif(trim(cast(requester_user as varchar)), '') as requester_user_id,
    cast(req_date as date) as req_date,
    cast(material_no as varchar) as material_no,
    cast(quantity as decimal(18, 4)) as quantity,
    cast(estimated_price as decimal(18, 2)) as estimated_price,
    cast(estimated_amount as decimal(18, 2)) as estimated_amount,
    upper(cast(currency as varchar)) as currency,
    lower(cast(req_status as varchar)) as req_status,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
