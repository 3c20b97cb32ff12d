-- (source_system, employee_source_code) → unified employee code (the HR 工号), for every person
-- record. HR is the system of record for people; other systems are linked, in order, by:
--   1. HR's own link: the ERP user / CRM account HR records for the employee;
--   2. the HR number the other system itself records (CRM users' employee_no), when HR knows it;
--   3. the e-mail address (the only link the ERP has), when exactly one HR employee has it.
-- A person none of these links stays unmapped (null) and is reported as `unmapped_code`.
with people as (
    select * from {{ ref('employee') }}
),

hr_people as (
    select employee_source_code as hr_id, email
    from people
    where source_system = 'hr'
),

-- HR's links to other systems, from the latest snapshot that names them.
hr_links as (
    select source_system, linked_id, hr_id
    from (
        select
            links.*,
            row_number() over (partition by source_system, linked_id order by period desc) as recency
        from (
            select 'erp' as source_system, erp_user_id as linked_id, employee_id as hr_id, period
            from {{ ref('stg_hr__employees') }}
            where erp_user_id is not null
            union all
            select 'crm' as source_system, crm_owner_id as linked_id, employee_id as hr_id, period
            from {{ ref('stg_hr__employees') }}
            where crm_owner_id is not null
        ) as links
    ) as ranked_links
    where recency = 1
),

unique_emails as (
    select email, min(hr_id) as hr_id
    from hr_people
    where email is not null
    group by email
    having count(*) = 1
),

matched as (
    select
        people.employee_key,
        people.source_system,
        people.source_entity,
        people.employee_source_code,
        people.employee_name,
        people.email,
        case
            when people.source_system = 'hr' then people.employee_source_code
            when hr_links.hr_id is not null then hr_links.hr_id
            when typed.hr_id is not null then typed.hr_id
            else unique_emails.hr_id
        end as unified_employee_code,
        case
            when people.source_system = 'hr' then 'system_of_record'
            when hr_links.hr_id is not null then 'hr_link'
            when typed.hr_id is not null then 'employee_number'
            when unique_emails.hr_id is not null then 'email'
        end as match_method,
        people.batch_id
    from people
    left join hr_links
        on hr_links.source_system = people.source_system
        and hr_links.linked_id = people.employee_source_code
    left join hr_people as typed
        on typed.hr_id = people.hr_employee_number
    left join unique_emails
        on unique_emails.email = people.email
)

select
    employee_key,
    source_system,
    source_entity,
    employee_source_code,
    unified_employee_code,
    coalesce(match_method, 'unmapped') as match_method,
    employee_name,
    email,
    batch_id
from matched
