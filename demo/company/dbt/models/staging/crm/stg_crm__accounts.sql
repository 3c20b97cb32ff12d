with source as (
    {{ yecai.raw_latest('crm', 'accounts') }}
)

select
    cast(id as varchar) as account_id,
    cast(name as varchar) as account_name,
    nullif(trim(cast(uscc as varchar)), '') as unified_social_credit_code,
    nullif(cast(industry as varchar), '') as industry,
    nullif(cast(city as varchar), '') as city,
    nullif(cast(owner_id as varchar), '') as owner_user_id,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
-- The CRM soft-deletes: a record served with deleted_at set is gone.
where deleted_at is null
