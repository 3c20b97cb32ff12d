-- (source_system, org unit code) → unified org unit code. The unified code is the finance cost
-- centre: finance books by cost centre, and HR departments roll up into them (two sales
-- departments share one). An HR department maps through seed org_unit_cost_centre_map (the
-- controller's decision wins), else the cost centre the source itself prints for it (match
-- method `hr_export`); a cost centre maps
-- to itself. A department with neither stays unmapped and is reported as `unmapped_code`.
with units as (
    select * from {{ ref('org_unit') }}
),

controller_map as (
    select * from {{ ref('org_unit_cost_centre_map') }}
),

-- the cost centre the source itself prints for a department
printed as (
    select source_system, org_unit_source_code, min(cost_centre_source_code) as cost_centre_code
    from {{ ref('conformed_org_unit') }}
    where cost_centre_source_code is not null
    group by source_system, org_unit_source_code
)

select
    units.org_unit_key,
    units.source_system,
    units.source_entity,
    units.org_unit_source_code,
    units.org_unit_name,
    units.org_unit_type,
    case
        when units.org_unit_type = 'cost_centre' then units.org_unit_source_code
        else coalesce(controller_map.cost_centre_code, printed.cost_centre_code)
    end as unified_org_unit_code,
    case
        when units.org_unit_type = 'cost_centre' then 'system_of_record'
        when controller_map.cost_centre_code is not null then 'controller_mapping'
        when printed.cost_centre_code is not null then 'hr_export'
        else 'unmapped'
    end as match_method,
    units.legal_entity_code,
    units.batch_id
from units
left join controller_map
    on units.org_unit_type = 'department'
    and controller_map.hr_department_code = units.org_unit_source_code
left join printed
    on units.org_unit_type = 'department'
    and printed.source_system = units.source_system
    and printed.org_unit_source_code = units.org_unit_source_code
