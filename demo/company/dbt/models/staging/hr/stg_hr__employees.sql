-- One row per employee and monthly snapshot (the export's key includes the period).
with source as (
    {{ yecai.raw_latest('hr', 'employees') }}
)

select
    upper(trim(cast(employee_id as varchar))) as employee_id,
    cast(period as varchar) as period,
    trim(cast(employee_name as varchar)) as employee_name,
    case cast(gender as varchar) when '男' then 'M' when '女' then 'F' end as gender,
    cast(birth_date as date) as birth_date,
    upper(nullif(trim(cast(national_id as varchar)), '')) as national_id,
    cast(bank_name as varchar) as bank_name,
    cast(bank_account as varchar) as bank_account,
    trim(cast(company_name as varchar)) as company_name,
    nullif(trim(cast(dept_code as varchar)), '') as dept_code,
    cast(dept_name as varchar) as dept_name,
    cast(position as varchar) as job_title,
    try_cast(grade as integer) as grade,
    cast(hire_date as date) as hire_date,
    cast(termination_date as date) as termination_date,
    -- 在职 = employed, 离职 = left.
    cast(employment_status as varchar) = '在职' as is_employed,
    nullif(trim(cast(erp_user_id as varchar)), '') as erp_user_id,
    nullif(trim(cast(crm_owner_id as varchar)), '') as crm_owner_id,
    lower(nullif(trim(cast(email as varchar)), '')) as email,
    cast(phone as varchar) as phone,
    {{ yecai.raw_trace_columns() }}
from source
