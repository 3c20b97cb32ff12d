with source as (
    {{ yecai.raw_latest('erp', 'companies') }}
)

select
    cast(company_code as varchar) as company_code,
    cast(company_name as varchar) as company_name,
    upper(cast(country as varchar)) as country_code,
    upper(cast(currency as varchar)) as functional_currency,
    nullif(trim(cast(tax_id as varchar)), '') as unified_social_credit_code,
    cast(city as varchar) as city,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
