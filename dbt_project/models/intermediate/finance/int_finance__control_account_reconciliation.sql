{#- Subledger against control account per entity and period (明细账与总账核对):
    AR aging total vs 1122, AP aging total vs 220201, inventory movements vs the 14xx
    inventory accounts, payroll accrued by the payroll register vs credits booked to 2211.
    Amounts are presented on the account's natural side (receivables and inventory debit,
    payables credit) in the functional currency. -#}

with tb as (
    select entity_code, period, account_code, closing_balance, credit
    from {{ ref('trial_balance') }}
),

periods as (
    select distinct entity_code, period from tb
),

-- month-end revaluation of foreign-currency receivables and payables moves the control
-- account but not the documents (which stay at their booking rate); it is reversed on the
-- 1st, so the comparison leaves it out and the difference it would cause is not an error
revaluation as (
    select entity_code, period, account_code,
        sum(amount_functional) over (
            partition by entity_code, account_code order by period
            rows between unbounded preceding and current row
        ) as cumulative_revaluation
    from (
        select entity_code, period, account_code, sum(amount_functional) as amount_functional
        from {{ ref('gl_lines') }}
        where source_document_type = 'fx_revaluation'
        group by 1, 2, 3
    )
),

ar as (
    select
        p.entity_code, p.period, 'accounts_receivable' as control, '1122' as control_account_prefix,
        coalesce((select sum(a.total_open) from {{ ref('ar_aging') }} as a
                  where a.entity_code = p.entity_code and a.period = p.period), 0) as subledger_amount,
        coalesce((select sum(t.closing_balance) from tb as t
                  where t.entity_code = p.entity_code and t.period = p.period
                    and starts_with(t.account_code, '1122')), 0)
        - coalesce((select sum(r.cumulative_revaluation) from revaluation as r
                    where r.entity_code = p.entity_code and r.period = p.period
                      and starts_with(r.account_code, '1122')), 0) as control_amount
    from periods as p
),

ap as (
    select
        p.entity_code, p.period, 'accounts_payable' as control, '220201' as control_account_prefix,
        coalesce((select sum(a.total_open) from {{ ref('ap_aging') }} as a
                  where a.entity_code = p.entity_code and a.period = p.period), 0) as subledger_amount,
        -(coalesce((select sum(t.closing_balance) from tb as t
                    where t.entity_code = p.entity_code and t.period = p.period
                      and starts_with(t.account_code, '220201')), 0)
          - coalesce((select sum(r.cumulative_revaluation) from revaluation as r
                      where r.entity_code = p.entity_code and r.period = p.period
                        and starts_with(r.account_code, '220201')), 0)) as control_amount
    from periods as p
),

inventory_movements as (
    select legal_entity_code as entity_code, {{ fiscal_period('movement_date') }} as period,
        sum(amount_functional) as amount
    from {{ ref('inventory_movement') }}
    group by 1, 2
),

inventory as (
    select
        p.entity_code, p.period, 'inventory' as control, '14' as control_account_prefix,
        coalesce((select sum(m.amount) from inventory_movements as m
                  where m.entity_code = p.entity_code and m.period <= p.period), 0) as subledger_amount,
        coalesce((select sum(t.closing_balance) from tb as t
                  where t.entity_code = p.entity_code and t.period = p.period
                    and starts_with(t.account_code, '14')), 0) as control_amount
    from periods as p
),

payroll_accrued as (
    select entity_code, period, -sum(amount_functional) as amount
    from {{ ref('int_finance__derived_entries') }}
    where document_type = 'payroll' and starts_with(coalesce(account_code, ''), '2211')
    group by 1, 2
),

payroll as (
    select
        p.entity_code, p.period, 'payroll_payable' as control, '2211' as control_account_prefix,
        coalesce((select sum(a.amount) from payroll_accrued as a
                  where a.entity_code = p.entity_code and a.period = p.period), 0) as subledger_amount,
        coalesce((select sum(t.credit) from tb as t
                  where t.entity_code = p.entity_code and t.period = p.period
                    and starts_with(t.account_code, '2211')), 0) as control_amount
    from periods as p
)

select entity_code, period, control, control_account_prefix,
    {{ money('subledger_amount') }} as subledger_amount,
    {{ money('control_amount') }} as control_amount
from (
    select * from ar
    union all
    select * from ap
    union all
    select * from inventory
    union all
    select * from payroll
)
