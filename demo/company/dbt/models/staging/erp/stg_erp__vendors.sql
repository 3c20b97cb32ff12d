with source as (
    {{ yecai.raw_latest('erp', 'vendors') }}
)

select
    cast(vendor_no as varchar) as vendor_no,
    cast(vendor_name as varchar) as vendor_name,
    nullif(trim(cast(tax_id as varchar)), '') as unified_social_credit_code,
    cast(vendor_group as varchar) as vendor_group,
    -- The ERP's vendor groups, decoded to the group's segment names.
    case cast(vendor_group as varchar)
        when 'K1' then 'RAW' when 'K2' then 'SERVICE' when 'K3' then 'LOGISTICS'
    end as segment,
    upper(cast(country as varchar)) as country_code,
    cast(province as varchar) as province,
    cast(city as varchar) as city,
    cast(address as varchar) as address,
    cast(contact_person as varchar) as contact_person,
    cast(phone as varchar) as phone,
    cast(bank_name as varchar) as bank_name,
    cast(bank_account as varchar) as bank_account,
    upper(cast(currency as varchar)) as currency,
    cast(payment_terms as varchar) as payment_terms,
    try_cast(regexp_extract(cast(payment_terms as varchar), '(\d+)', 1) as integer) as payment_terms_days,
    cast(created_on as date) as created_on,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
