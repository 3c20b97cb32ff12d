-- employee (standard interface): the group ERP's users. They carry their company, not an HR number.
select
    'erp_users' as source_entity,
    user_id as employee_source_code,
    cast(null as varchar) as hr_employee_number,
    display_name as employee_name,
    email,
    cast(null as varchar) as org_unit_source_code,
    company_code,
    cast(null as varchar) as company_name,
    cast(null as varchar) as job_title,
    cast(null as date) as hire_date,
    cast(null as date) as termination_date,
    cast(null as varchar) as national_id,
    is_active,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__erp_users') }}
