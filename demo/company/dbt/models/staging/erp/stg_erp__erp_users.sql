with source as (
    {{ yecai.raw_latest('erp', 'erp_users') }}
)

select
    cast(user_id as varchar) as user_id,
    cast(display_name as varchar) as display_name,
    lower(nullif(trim(cast(email as varchar)), '')) as email,
    cast(company_code as varchar) as company_code,
    cast(is_active as integer) = 1 as is_active,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
