{#- Payroll cost (人工成本) by entity, pay period, department and cost centre: head count, gross
    pay, employer social insurance and housing fund, and the total cost to the company, in the
    functional and the group currency. -#}

select
    legal_entity_code as entity_code,
    pay_period as period,
    org_unit_source_code as department_code,
    cost_centre_code,
    max(functional_currency) as functional_currency,
    count(distinct employee_code) as head_count,
    {{ money('sum(gross_pay_functional)') }} as gross_pay,
    {{ money('sum(employer_contributions_functional)') }} as employer_contributions,
    {{ money('sum(gross_pay_functional + employer_contributions_functional)') }} as total_cost,
    {{ money('sum(gross_pay_group + employer_contributions_group)') }} as total_cost_group
from {{ ref('payroll') }}
group by 1, 2, 3, 4
