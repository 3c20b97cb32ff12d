-- Golden record per unified org unit (a finance cost centre). Survivorship: the finance
-- system's cost-centre master gives name and entity (finance owns cost centres); HR contributes
-- the departments that book to it.
with crosswalk as (
    select * from {{ ref('org_unit_crosswalk') }}
),

cost_centres as (
    select
        unified_org_unit_code,
        min(org_unit_name) as org_unit_name,
        min(legal_entity_code) as legal_entity_code,
        min(source_system) as source_system
    from crosswalk
    where org_unit_type = 'cost_centre'
    group by unified_org_unit_code
),

departments as (
    select
        unified_org_unit_code,
        string_agg(org_unit_source_code, ',' order by org_unit_source_code) as hr_department_codes,
        count(*) as hr_department_count,
        min(legal_entity_code) as legal_entity_code,
        min(org_unit_name) as first_department_name
    from crosswalk
    where org_unit_type = 'department' and unified_org_unit_code is not null
    group by unified_org_unit_code
),

all_codes as (
    select unified_org_unit_code from cost_centres
    union
    select unified_org_unit_code from departments
)

select
    all_codes.unified_org_unit_code,
    coalesce(cost_centres.org_unit_name, departments.first_department_name) as org_unit_name,
    coalesce(cost_centres.legal_entity_code, departments.legal_entity_code) as legal_entity_code,
    cost_centres.unified_org_unit_code is not null as is_in_finance_master,
    departments.hr_department_codes,
    coalesce(departments.hr_department_count, 0) as hr_department_count
from all_codes
left join cost_centres on cost_centres.unified_org_unit_code = all_codes.unified_org_unit_code
left join departments on departments.unified_org_unit_code = all_codes.unified_org_unit_code
