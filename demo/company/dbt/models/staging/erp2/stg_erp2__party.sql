-- party (standard interface): SimpleBooks' business partners (customers and suppliers).
select
    'bp_master' as source_entity,
    bp_id as party_source_code,
    party_role,
    bp_name as party_name,
    -- SimpleBooks' registration number is a USCC only for Chinese partners.
    case when country_code = 'CN' then registration_number end as unified_social_credit_code,
    country_code,
    city,
    cast(null as varchar) as industry,
    'SG01' as source_company_code,
    credit_days as payment_terms_days,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp2__bp_master') }}
