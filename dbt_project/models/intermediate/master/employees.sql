-- Golden record per employee (unified code = the system of record's employee code, the demo's
-- HR 工号). The system of record (seed master_data_rules) gives every attribute (name,
-- department, entity, dates, status); the other sources only add their ids (the users that
-- belong to the person). A person minted under the rules is its own golden record.
with crosswalk as (
    select * from {{ ref('employee_crosswalk') }}
),

people as (
    select * from {{ ref('employee') }}
),

system_of_record as (
    select people.*, crosswalk.unified_employee_code
    from crosswalk
    inner join people on people.employee_key = crosswalk.employee_key
    where crosswalk.match_method in ('system_of_record', 'minted')
),

linked_ids as (
    select
        unified_employee_code,
        string_agg(source_system || ':' || employee_source_code, ',' order by source_system, employee_source_code)
            as linked_source_ids,
        count(*) as source_record_count
    from crosswalk
    where unified_employee_code is not null
    group by unified_employee_code
)

select
    system_of_record.unified_employee_code,
    system_of_record.employee_name,
    system_of_record.email,
    system_of_record.legal_entity_code,
    system_of_record.org_unit_source_code as hr_department_code,
    departments.unified_org_unit_code as cost_centre_code,
    system_of_record.job_title,
    system_of_record.hire_date,
    system_of_record.termination_date,
    system_of_record.is_active,
    linked_ids.linked_source_ids,
    linked_ids.source_record_count
from system_of_record
left join linked_ids
    on linked_ids.unified_employee_code = system_of_record.unified_employee_code
left join {{ ref('org_unit_crosswalk') }} as departments
    on departments.org_unit_key = system_of_record.source_system || ':' || system_of_record.org_unit_source_code
