-- (source_system, employee_source_code) → unified employee code, for every person record. The
-- system of record for people (seed master_data_rules, domain employee; the demo's is HR) gives
-- the unified codes: its own employee codes. Records of other sources are linked, in order, by:
--   1. the system of record's own link: the user it records for the employee in that source
--      (document employee_link; the latest period that names the link wins);
--   2. the employee number the other source itself records, when the system of record knows it;
--   3. the e-mail address, when exactly one system-of-record employee has it.
-- A person none of these links gets a new code when the rules say `mint` for its source
-- (mint_prefix + its own code), else stays unmapped (null) and is reported as `unmapped_code`.
with rules as (
    select source_system, coalesce(is_system_of_record, false) as is_system_of_record, on_no_match, mint_prefix
    from {{ ref('master_data_rules') }}
    where domain = 'employee'
),

people as (
    select
        employee.*,
        coalesce(rules.is_system_of_record, false) as is_system_of_record,
        {{ minted_code('rules', 'employee.source_system', 'employee.employee_source_code') }} as minted_code
    from {{ ref('employee') }} as employee
    left join rules on rules.source_system = employee.source_system
),

record_people as (
    select employee_source_code as record_id, email
    from people
    where is_system_of_record
),

-- The system of record's links to other sources, from the latest period that names them.
record_links as (
    select linked_source_system, linked_source_code, record_id
    from (
        select
            links.linked_source_system,
            links.linked_source_code,
            links.employee_source_code as record_id,
            row_number() over (
                partition by links.linked_source_system, links.linked_source_code order by links.period desc
            ) as recency
        from {{ ref('conformed_employee_link') }} as links
        inner join rules
            on rules.source_system = links.source_system and rules.is_system_of_record
    ) as ranked_links
    where recency = 1
),

unique_emails as (
    select email, min(record_id) as record_id
    from record_people
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
            when people.is_system_of_record then people.employee_source_code
            when record_links.record_id is not null then record_links.record_id
            when typed.record_id is not null then typed.record_id
            when unique_emails.record_id is not null then unique_emails.record_id
            else people.minted_code
        end as unified_employee_code,
        case
            when people.is_system_of_record then 'system_of_record'
            when record_links.record_id is not null then 'hr_link'
            when typed.record_id is not null then 'employee_number'
            when unique_emails.record_id is not null then 'email'
            when people.minted_code is not null then 'minted'
        end as match_method,
        people.batch_id
    from people
    left join record_links
        on record_links.linked_source_system = people.source_system
        and record_links.linked_source_code = people.employee_source_code
    left join record_people as typed
        on typed.record_id = people.hr_employee_number
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
