-- People as each source knows them (document employee): employees of the system of record for
-- people and the users of other systems. master.employee_crosswalk gives each the unified
-- employee code. The legal entity is looked up by the source's company code, else (a source
-- that names the company, not a code) by its registered name.
with people as (
    select * from {{ ref('conformed_employee') }}
),

entity_names as (
    select legal_entity_name, min(legal_entity_code) as legal_entity_code
    from {{ ref('legal_entity') }}
    group by legal_entity_name
)

select
    {{ canonical_key('people.employee_source_code', 'people') }} as employee_key,
    people.source_entity,
    people.employee_source_code,
    people.hr_employee_number,
    people.employee_name,
    people.email,
    people.org_unit_source_code,
    coalesce(legal_entity.legal_entity_code, by_name.legal_entity_code) as legal_entity_code,
    people.job_title,
    people.hire_date,
    people.termination_date,
    people.national_id,
    people.is_active,
    people.source_system,
    people.source_document_id,
    people.batch_id
from people
{{ legal_entity_join('people', 'company_code') }}
left join entity_names as by_name
    on by_name.legal_entity_name = people.company_name
