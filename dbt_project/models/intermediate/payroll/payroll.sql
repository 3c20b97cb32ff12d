-- Payroll, one row per employee and month, from every source that supplies payroll. The cost
-- centre is the finance controlling mapping of the employee's department
-- (master.org_unit_crosswalk), else the one printed on the slip; the legal entity is that cost
-- centre's (master.org_units), in its functional currency.
with all_payroll as (
    select * from {{ ref('conformed_payroll') }}
),

mapped as (
    select
        all_payroll.*,
        coalesce(departments.unified_org_unit_code, all_payroll.printed_cost_centre) as cost_centre_code
    from all_payroll
    left join {{ ref('org_unit_crosswalk') }} as departments
        on departments.org_unit_key = all_payroll.source_system || ':' || all_payroll.org_unit_source_code
),

entity_currencies as (
    select legal_entity_code, min(functional_currency) as functional_currency
    from {{ ref('legal_entity') }}
    group by legal_entity_code
),

doc as (
    select
        mapped.*,
        coalesce(cost_centres.legal_entity_code, 'unmapped:' || coalesce(mapped.cost_centre_code, '?'))
            as legal_entity_code,
        coalesce(entity_currencies.functional_currency, mapped.transaction_currency) as functional_currency
    from mapped
    left join {{ ref('org_units') }} as cost_centres
        on cost_centres.unified_org_unit_code = mapped.cost_centre_code
    left join entity_currencies
        on entity_currencies.legal_entity_code = cost_centres.legal_entity_code
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
