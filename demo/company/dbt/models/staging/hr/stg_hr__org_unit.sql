-- org_unit (standard interface): HR's departments (the current org chart), with the cost centre
-- HR prints for each.
select
    'org_units' as source_entity,
    dept_code as org_unit_source_code,
    dept_name as org_unit_name,
    'department' as org_unit_type,
    parent_dept_code as parent_source_code,
    cast(null as varchar) as company_code,
    company_name,
    cost_center as cost_centre_source_code,
    cast(null as varchar) as manager_source_code,
    true as is_active,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_hr__org_units') }}
