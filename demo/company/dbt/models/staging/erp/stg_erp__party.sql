-- party (standard interface): the group ERP's customers and vendors, one row per record.
select
    'customers' as source_entity,
    customer_no as party_source_code,
    'customer' as party_role,
    customer_name as party_name,
    unified_social_credit_code,
    country_code,
    city,
    cast(null as varchar) as industry,
    cast(null as varchar) as source_company_code,
    payment_terms_days,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__customers') }}

union all

select
    'vendors' as source_entity,
    vendor_no as party_source_code,
    'vendor' as party_role,
    vendor_name as party_name,
    unified_social_credit_code,
    country_code,
    city,
    cast(null as varchar) as industry,
    cast(null as varchar) as source_company_code,
    payment_terms_days,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__vendors') }}
