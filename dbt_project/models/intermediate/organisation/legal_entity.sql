-- Legal entities from each ERP's company master, under the group's own entity codes
-- (seed legal_entity_map). A company no mapping covers keeps its ERP code prefixed with
-- `unmapped:` and is listed in governance.master_data_exceptions.
with erp_companies as (
    select
        company_code as source_company_code,
        company_name as legal_entity_name,
        functional_currency,
        country_code,
        unified_social_credit_code,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp__companies') }}
),

-- SimpleBooks (erp2) has no company table: its one company is described by the seed.
seed_only_companies as (
    select
        entity_map.source_company_code,
        entity_map.registered_name as legal_entity_name,
        entity_map.functional_currency,
        entity_map.country_code,
        cast(null as varchar) as unified_social_credit_code,
        entity_map.source_system,
        entity_map.source_company_code as source_document_id,
        'seed:legal_entity_map' as batch_id
    from {{ ref('legal_entity_map') }} as entity_map
    where entity_map.source_system = 'erp2'
),

all_companies as (
    select * from erp_companies
    union all
    select * from seed_only_companies
),

entity_map as (
    select * from {{ ref('legal_entity_map') }}
)

select
    coalesce(entity_map.legal_entity_code, 'unmapped:' || all_companies.source_company_code) as legal_entity_code,
    all_companies.legal_entity_name,
    all_companies.functional_currency,
    all_companies.country_code,
    all_companies.unified_social_credit_code,
    all_companies.source_company_code,
    all_companies.source_system,
    all_companies.source_document_id,
    all_companies.batch_id
from all_companies
left join entity_map
    on entity_map.source_system = all_companies.source_system
    and entity_map.source_company_code = all_companies.source_company_code
