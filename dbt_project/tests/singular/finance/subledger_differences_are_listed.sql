-- AR and AP aging totals equal their control accounts, or the difference is listed in
-- governance.reconciliation_exceptions for that entity and period.
with differences as (
    select entity_code, period, control
    from {{ ref('int_finance__control_account_reconciliation') }}
    where abs(subledger_amount - control_amount) > {{ var('reconciliation_tolerance', 0.05) }}
      and control in ('accounts_receivable', 'accounts_payable')
),

listed as (
    select entity_code, period, document_type as control
    from {{ ref('reconciliation_exceptions') }}
    where exception_type = 'subledger_differs'
)

select d.*
from differences as d
left join listed as l
    on l.entity_code = d.entity_code and l.period = d.period and l.control = d.control
where l.control is null
