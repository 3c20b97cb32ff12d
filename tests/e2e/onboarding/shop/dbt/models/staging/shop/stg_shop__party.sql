-- party: the shop's customers and suppliers.
select
    'customers' as source_entity,
    customer_id as party_source_code,
    'customer' as party_role,
    name as party_name,
    uscc as unified_social_credit_code,
    'CN' as country_code,
    city,
    cast(null as varchar) as industry,
    cast(null as varchar) as source_company_code,
    cast(null as integer) as payment_terms_days,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__customers') }}

union all

select
    'suppliers' as source_entity,
    supplier_id as party_source_code,
    'vendor' as party_role,
    name as party_name,
    uscc as unified_social_credit_code,
    'CN' as country_code,
    city,
    cast(null as varchar) as industry,
    cast(null as varchar) as source_company_code,
    cast(null as integer) as payment_terms_days,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__suppliers') }}
