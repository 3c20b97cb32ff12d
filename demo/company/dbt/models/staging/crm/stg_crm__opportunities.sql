with source as (
    {{ yecai.raw_latest('crm', 'opportunities') }}
)

select
    cast(id as varchar) as opportunity_id,
    nullif(trim(cast(account_id as varchar)), '') as account_id,
    cast(name as varchar) as opportunity_name,
    lower(cast(stage as varchar)) as stage,
    -- The API serves money as decimal text; cast straight to decimal, never through float.
    cast(cast(amount as varchar) as decimal(18, 2)) as amount,
    upper(cast(currency as varchar)) as currency,
    cast(expected_close_date as date) as expected_close_date,
    nullif(cast(owner_id as varchar), '') as owner_user_id,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
-- The CRM soft-deletes: a record served with deleted_at set is gone.
where deleted_at is null
