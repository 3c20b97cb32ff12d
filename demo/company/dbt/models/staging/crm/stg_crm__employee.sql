-- employee (standard interface): the CRM's users, who record their HR number themselves.
select
    'users' as source_entity,
    user_id as employee_source_code,
    employee_no as hr_employee_number,
    full_name as employee_name,
    email,
    cast(null as varchar) as org_unit_source_code,
    cast(null as varchar) as company_code,
    cast(null as varchar) as company_name,
    cast(null as varchar) as job_title,
    cast(null as date) as hire_date,
    cast(null as date) as termination_date,
    cast(null as varchar) as national_id,
    true as is_active,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_crm__users') }}
