-- Payroll, one row per employee and month. The cost centre is the finance controlling mapping
-- of the employee's department (master.org_unit_crosswalk), else the one HR printed on the slip.
-- Pay date = last day of the month (HR exports carry no pay date).
with hr_payroll as (
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
        cast(social_insurance_employee + housing_fund_employee as decimal(18, 2))
            as social_insurance_employee,
        income_tax as individual_income_tax,
        net_pay,
        cast(social_insurance_employer + housing_fund_employer as decimal(18, 2))
            as employer_contributions,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_hr__payroll') }}
),

mapped as (
    select
        hr_payroll.*,
        coalesce(departments.unified_org_unit_code, hr_payroll.printed_cost_centre) as cost_centre_code,
        -- The cost centre's company code (before the dash) names the ERP company.
        split_part(coalesce(departments.unified_org_unit_code, hr_payroll.printed_cost_centre), '-', 1)
            as company_code
    from hr_payroll
    left join {{ ref('org_unit_crosswalk') }} as departments
        on departments.org_unit_key = 'hr:' || hr_payroll.org_unit_source_code
),

doc as (
    select
        mapped.*,
        coalesce(entity.legal_entity_code, 'unmapped:' || coalesce(mapped.company_code, '?')) as legal_entity_code,
        coalesce(entity.functional_currency, mapped.transaction_currency) as functional_currency
    from mapped
    left join {{ ref('legal_entity') }} as entity
        on entity.source_company_code = mapped.company_code
)

select
    {{ canonical_key('doc.source_payroll_id', 'doc') }} as payroll_key,
    doc.legal_entity_code,
    doc.pay_period,
    doc.pay_date,
    coalesce(employee.unified_employee_code, doc.employee_source_code) as employee_code,
    doc.employee_source_code,
    doc.org_unit_source_code,
    doc.cost_centre_code,
    doc.transaction_currency,
    doc.gross_pay,
    doc.social_insurance_employee,
    doc.individual_income_tax,
    doc.net_pay,
    doc.employer_contributions,
    doc.functional_currency,
    {{ group_currency_columns(
        ['gross_pay', 'social_insurance_employee', 'individual_income_tax', 'net_pay', 'employer_contributions'],
        'pay_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ employee_join('employee', 'doc', 'employee_source_code') }}
{{ group_currency_joins('pay_date') }}
