-- Legal entities from every source's company master (document legal_entity), under the group's
-- own entity codes (seed legal_entity_map). A registered source without a company master of its
-- own (it supplies no legal_entity) is described by its rows in the seed. A company no mapping
-- covers keeps its source code prefixed with `unmapped:` and is listed in
-- governance.master_data_exceptions.
with source_companies as (
    select * from {{ ref('conformed_legal_entity') }}
),

entity_map as (
    select * from {{ ref('legal_entity_map') }}
),

registry as (
    {{ yecai_registry_relation() }}
),

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
    from entity_map
    inner join registry
        on registry.source_system = entity_map.source_system
    where entity_map.source_system not in {{ yecai_sql_list(yecai_suppliers('legal_entity')) }}
),

all_companies as (
    select * from source_companies
    union all
    select * from seed_only_companies
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
