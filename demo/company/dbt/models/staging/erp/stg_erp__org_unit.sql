-- org_unit (standard interface): the group ERP's finance cost centres.
select
    'cost_centers' as source_entity,
    cost_center as org_unit_source_code,
    cost_center_name as org_unit_name,
    'cost_centre' as org_unit_type,
    cast(null as varchar) as parent_source_code,
    company_code,
    cast(null as varchar) as company_name,
    cast(null as varchar) as cost_centre_source_code,
    cast(null as varchar) as manager_source_code,
    true as is_active,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__cost_centers') }}
