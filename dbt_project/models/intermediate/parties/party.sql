-- Every customer, vendor and CRM account record, one row per source record, before matching.
-- The USCC is cleaned (trim, upper case, half-width) and checked; the name is normalised for
-- matching. master.party_crosswalk decides which records are the same company.
with erp_customers as (
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
),

erp_vendors as (
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
),

crm_accounts as (
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
),

erp2_partners as (
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
),

all_parties as (
    select * from erp_customers
    union all
    select * from erp2_partners
    union all
    select * from erp_vendors
    union all
    select * from crm_accounts
),

cleaned as (
    select
        *,
        {{ clean_uscc('unified_social_credit_code') }} as uscc_cleaned
    from all_parties
)

select
    {{ canonical_key('cleaned.party_source_code', 'cleaned') }} as party_key,
    cleaned.source_entity,
    cleaned.party_source_code,
    cleaned.party_role,
    cleaned.party_name,
    {{ normalise_company_name('cleaned.party_name') }} as party_name_normalised,
    cleaned.uscc_cleaned as unified_social_credit_code,
    {{ is_valid_uscc('cleaned.uscc_cleaned') }} as uscc_is_valid,
    cleaned.country_code,
    cleaned.city,
    cleaned.industry,
    entity_map.legal_entity_code,
    cleaned.payment_terms_days,
    cleaned.source_system,
    cleaned.source_document_id,
    cleaned.batch_id
from cleaned
left join {{ ref('legal_entity_map') }} as entity_map
    on entity_map.source_system = cleaned.source_system
    and entity_map.source_company_code = cleaned.source_company_code
