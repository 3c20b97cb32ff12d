with source as (
    {{ yecai.raw_latest('erp2', 'bp_master') }}
)

select
    cast(bp_id as varchar) as bp_id,
    -- C customer, S supplier, B both.
    case cast(bp_type as varchar) when 'C' then 'customer' when 'S' then 'vendor' when 'B' then 'customer_vendor' end
        as party_role,
    cast(bp_name as varchar) as bp_name,
    upper(cast(country_code as varchar)) as country_code,
    cast(city as varchar) as city,
    nullif(trim(cast(reg_number as varchar)), '') as registration_number,
    upper(cast(currency as varchar)) as currency,
    cast(credit_days as integer) as credit_days,
    lower(nullif(trim(cast(email as varchar)), '')) as email,
    cast(created_date as date) as created_date,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
