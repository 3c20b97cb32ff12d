-- legal_entity (standard interface): the group ERP's company master.
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
