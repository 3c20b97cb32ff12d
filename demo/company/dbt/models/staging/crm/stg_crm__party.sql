-- party (standard interface): the CRM's accounts (customers and prospects, as sales types them).
select
    'accounts' as source_entity,
    account_id as party_source_code,
    'prospect' as party_role,
    account_name as party_name,
    unified_social_credit_code,
    cast(null as varchar) as country_code,
    city,
    industry,
    cast(null as varchar) as source_company_code,
    cast(null as integer) as payment_terms_days,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_crm__accounts') }}
