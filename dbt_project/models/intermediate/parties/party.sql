-- Every business partner record (customer, vendor, prospect) of every source that supplies
-- party, one row per source record, before matching.
-- The USCC is cleaned (trim, upper case, half-width) and checked; the name is normalised for
-- matching. master.party_crosswalk decides which records are the same company.
with all_parties as (
    select * from {{ ref('conformed_party') }}
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
