with source as (
    {{ yecai.raw_latest('crm', 'users') }}
)

select
    cast(id as varchar) as user_id,
    cast(login as varchar) as login,
    cast(full_name as varchar) as full_name,
    lower(nullif(trim(cast(email as varchar)), '')) as email,
    upper(nullif(trim(cast(employee_no as varchar)), '')) as employee_no,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
-- The CRM soft-deletes: a record served with deleted_at set is gone.
where deleted_at is null
