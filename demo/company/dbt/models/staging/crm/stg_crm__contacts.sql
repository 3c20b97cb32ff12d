with source as (
    {{ yecai.raw_latest('crm', 'contacts') }}
)

select
    cast(id as varchar) as contact_id,
    nullif(cast(account_id as varchar), '') as account_id,
    cast(full_name as varchar) as full_name,
    cast(title as varchar) as title,
    cast(phone as varchar) as phone,
    lower(nullif(trim(cast(email as varchar)), '')) as email,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
-- The CRM soft-deletes: a record served with deleted_at set is gone.
where deleted_at is null
