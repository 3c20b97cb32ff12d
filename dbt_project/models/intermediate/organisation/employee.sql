-- People as each system knows them: HR employees (latest monthly snapshot), ERP users and CRM
-- users. master.employee_crosswalk gives each the unified employee code (the HR 工号).
with hr_latest as (
    select
        *,
        row_number() over (partition by employee_id order by period desc) as snapshot_rank
    from {{ ref('stg_hr__employees') }}
),

hr_employees as (
    select
        'employees' as source_entity,
        hr_latest.employee_id as employee_source_code,
        hr_latest.employee_id as hr_employee_number,
        hr_latest.employee_name,
        hr_latest.email,
        hr_latest.dept_code as org_unit_source_code,
        legal_entity.legal_entity_code,
        hr_latest.job_title,
        hr_latest.hire_date,
        hr_latest.termination_date,
        hr_latest.national_id,
        hr_latest.is_employed as is_active,
        hr_latest.source_system,
        hr_latest.source_document_id,
        hr_latest.batch_id
    from hr_latest
    left join {{ ref('legal_entity') }} as legal_entity
        on legal_entity.legal_entity_name = hr_latest.company_name
    where hr_latest.snapshot_rank = 1
),

erp_users as (
    select
        'erp_users' as source_entity,
        users.user_id as employee_source_code,
        cast(null as varchar) as hr_employee_number,
        users.display_name as employee_name,
        users.email,
        cast(null as varchar) as org_unit_source_code,
        legal_entity.legal_entity_code,
        cast(null as varchar) as job_title,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        cast(null as varchar) as national_id,
        users.is_active,
        users.source_system,
        users.source_document_id,
        users.batch_id
    from {{ ref('stg_erp__erp_users') }} as users
    {{ legal_entity_join('users', 'company_code') }}
),

crm_users as (
    select
        'users' as source_entity,
        user_id as employee_source_code,
        employee_no as hr_employee_number,
        full_name as employee_name,
        email,
        cast(null as varchar) as org_unit_source_code,
        cast(null as varchar) as legal_entity_code,
        cast(null as varchar) as job_title,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        cast(null as varchar) as national_id,
        true as is_active,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_crm__users') }}
),

all_people as (
    select * from hr_employees
    union all
    select * from erp_users
    union all
    select * from crm_users
)

select
    {{ canonical_key('employee_source_code') }} as employee_key,
    source_entity,
    employee_source_code,
    hr_employee_number,
    employee_name,
    email,
    org_unit_source_code,
    legal_entity_code,
    job_title,
    hire_date,
    termination_date,
    national_id,
    is_active,
    source_system,
    source_document_id,
    batch_id
from all_people
