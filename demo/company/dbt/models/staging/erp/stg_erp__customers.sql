with source as (
    {{ yecai.raw_latest('erp', 'customers') }}
)

select
    cast(customer_no as varchar) as customer_no,
    cast(customer_name as varchar) as customer_name,
    nullif(trim(cast(tax_id as varchar)), '') as unified_social_credit_code,
    cast(customer_group as varchar) as customer_group,
    -- The ERP's customer groups, decoded to the group's segment names.
    case cast(customer_group as varchar)
        when 'Z1' then 'KA' when 'Z2' then 'SMB' when 'Z3' then 'DIST' when 'Z4' then 'GOV'
    end as segment,
    upper(cast(country as varchar)) as country_code,
    cast(province as varchar) as province,
    cast(city as varchar) as city,
    cast(address as varchar) as address,
    cast(contact_person as varchar) as contact_person,
    cast(phone as varchar) as phone,
    upper(cast(currency as varchar)) as currency,
    cast(payment_terms as varchar) as payment_terms,
    -- NT30 = net 30 days.
    try_cast(regexp_extract(cast(payment_terms as varchar), '(\d+)', 1) as integer) as payment_terms_days,
    cast(credit_limit as decimal(18, 2)) as credit_limit,
    cast(sales_rep_user as varchar) as sales_rep_user_id,
    cast(is_blocked as integer) = 1 as is_blocked,
    cast(created_on as date) as created_on,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
