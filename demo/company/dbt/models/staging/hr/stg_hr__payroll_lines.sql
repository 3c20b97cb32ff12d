-- One payslip line per employee and month, amounts in the payroll currency.
with source as (
    {{ yecai.raw_latest('hr', 'payroll') }}
)

select
    upper(trim(cast(employee_id as varchar))) as employee_id,
    cast(period as varchar) as period,
    cast(employee_name as varchar) as employee_name,
    nullif(trim(cast(dept_code as varchar)), '') as dept_code,
    cast(dept_name as varchar) as dept_name,
    nullif(trim(cast(cost_center as varchar)), '') as cost_center,
    upper(cast(currency as varchar)) as currency,
    cast(base_salary as decimal(18, 2)) as base_salary,
    cast(allowance as decimal(18, 2)) as allowance,
    cast(bonus as decimal(18, 2)) as bonus,
    cast(gross_pay as decimal(18, 2)) as gross_pay,
    cast(social_insurance_employee as decimal(18, 2)) as social_insurance_employee,
    cast(housing_fund_employee as decimal(18, 2)) as housing_fund_employee,
    cast(income_tax as decimal(18, 2)) as income_tax,
    cast(net_pay as decimal(18, 2)) as net_pay,
    cast(social_insurance_employer as decimal(18, 2)) as social_insurance_employer,
    cast(housing_fund_employer as decimal(18, 2)) as housing_fund_employer,
    {{ yecai.raw_trace_columns() }}
from source
