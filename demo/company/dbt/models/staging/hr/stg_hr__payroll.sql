-- payroll (standard interface): one payslip per employee and month, in the payroll currency.
-- Pay date = last day of the month (HR exports carry no pay date).
select
    employee_id || '|' || period as source_payroll_id,
    period as pay_period,
    cast(
        {{ dbt.last_day("cast(strptime(period || '-01', '%Y-%m-%d') as date)", 'month') }} as date
    ) as pay_date,
    employee_id as employee_source_code,
    dept_code as org_unit_source_code,
    cost_center as printed_cost_centre,
    currency as transaction_currency,
    gross_pay,
    cast(social_insurance_employee + housing_fund_employee as decimal(18, 2)) as social_insurance_employee,
    income_tax as individual_income_tax,
    net_pay,
    cast(social_insurance_employer + housing_fund_employer as decimal(18, 2)) as employer_contributions,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_hr__payroll_lines') }}
