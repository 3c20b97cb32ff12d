-- Organisation units as each system cuts them: HR departments (the current org chart) and
-- the ERP's finance cost centres. master.org_unit_crosswalk links the two.
with hr_latest as (
    select * from {{ ref('stg_hr__org_units') }}
),

hr_departments as (
    select
        'org_units' as source_entity,
        hr_latest.dept_code as org_unit_source_code,
        hr_latest.dept_name as org_unit_name,
        'department' as org_unit_type,
        hr_latest.parent_dept_code as parent_source_code,
        legal_entity.legal_entity_code,
        cast(null as varchar) as manager_source_code,
        true as is_active,
        hr_latest.source_system,
        hr_latest.source_document_id,
        hr_latest.batch_id
    from hr_latest
    -- HR names the company, not a code: match the registered name.
    left join {{ ref('legal_entity') }} as legal_entity
        on legal_entity.legal_entity_name = hr_latest.company_name
),

erp_cost_centres as (
    select
        'cost_centers' as source_entity,
        cost_centres.cost_center as org_unit_source_code,
        cost_centres.cost_center_name as org_unit_name,
        'cost_centre' as org_unit_type,
        cast(null as varchar) as parent_source_code,
        legal_entity.legal_entity_code,
        cast(null as varchar) as manager_source_code,
        true as is_active,
        cost_centres.source_system,
        cost_centres.source_document_id,
        cost_centres.batch_id
    from {{ ref('stg_erp__cost_centers') }} as cost_centres
    {{ legal_entity_join('cost_centres', 'company_code') }}
),

erp2_departments as (
    select
        'departments' as source_entity,
        departments.dept_code as org_unit_source_code,
        departments.dept_name as org_unit_name,
        -- SimpleBooks' "departments" are what finance books to: cost centres.
        'cost_centre' as org_unit_type,
        cast(null as varchar) as parent_source_code,
        legal_entity.legal_entity_code,
        cast(null as varchar) as manager_source_code,
        true as is_active,
        departments.source_system,
        departments.source_document_id,
        departments.batch_id
    from {{ ref('stg_erp2__departments') }} as departments
    {{ legal_entity_join('departments', 'company_code') }}
),

all_units as (
    select * from hr_departments
    union all
    select * from erp_cost_centres
    union all
    select * from erp2_departments
)

select
    {{ canonical_key('org_unit_source_code') }} as org_unit_key,
    source_entity,
    org_unit_source_code,
    org_unit_name,
    org_unit_type,
    parent_source_code,
    legal_entity_code,
    manager_source_code,
    is_active,
    source_system,
    source_document_id,
    batch_id
from all_units
