-- employee (standard interface): HR's employees as of the latest monthly snapshot. HR names the
-- company, not a code: yecai matches the registered name (seed legal_entity_map / company master).
with ranked as (
    select
        *,
        row_number() over (partition by employee_id order by period desc) as snapshot_rank
    from {{ ref('stg_hr__employees') }}
)

select
    'employees' as source_entity,
    employee_id as employee_source_code,
    employee_id as hr_employee_number,
    employee_name,
    email,
    dept_code as org_unit_source_code,
    cast(null as varchar) as company_code,
    company_name,
    job_title,
    hire_date,
    termination_date,
    national_id,
    is_employed as is_active,
    source_system,
    source_document_id,
    batch_id
from ranked
where snapshot_rank = 1
