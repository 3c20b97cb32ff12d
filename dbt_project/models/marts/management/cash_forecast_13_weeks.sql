{#- 13-week cash forecast (13周现金预测) per entity, from the day after the last posting date:
    expected receipts = open customer invoices by due date, expected payments = open supplier
    invoices by due date plus open purchase orders not yet invoiced (derived forecast entries,
    due after the supplier's payment terms). Anything already overdue falls in week 1.
    Opening cash = the cash accounts at the as-of date; closing = opening + cumulative net.
    Functional currency. An invoice counts as open until a receipt / payment references it. -#}

with as_of as (
    select max(posting_date) as as_of_date from {{ ref('gl_lines') }}
),

weeks as (
    select
        w as week_no,
        cast(a.as_of_date + to_days(cast(1 + (w - 1) * 7 as integer)) as date) as week_start,
        cast(a.as_of_date + to_days(cast(w * 7 as integer)) as date) as week_end
    from as_of as a, range(1, 14) as t(w)
),

open_receivables as (
    select ci.legal_entity_code as entity_code, ci.due_date, ci.gross_amount_functional as amount
    from {{ ref('customer_invoice') }} as ci
    where not exists (select 1 from {{ ref('receipt') }} as r where r.customer_invoice_key = ci.customer_invoice_key)
),

invoiced_orders as (
    select distinct purchase_order_key from {{ ref('supplier_invoice') }} where purchase_order_key is not null
),

open_payables as (
    select si.legal_entity_code as entity_code, si.due_date, si.gross_amount_functional as amount
    from {{ ref('supplier_invoice') }} as si
    where not exists (select 1 from {{ ref('payment') }} as p where p.supplier_invoice_key = si.supplier_invoice_key)
    union all
    -- open orders: the payable the posting rules forecast (PO-FORECAST, ledger forecast)
    select e.entity_code, e.due_date, -e.amount_functional
    from {{ ref('int_finance__derived_entries') }} as e
    where e.ledger = 'forecast' and e.account_role = 'expected_payable'
      and e.document_key not in (select purchase_order_key from invoiced_orders)
),

flows as (
    select entity_code, due_date, amount as receipts, 0 as payments from open_receivables
    union all
    select entity_code, due_date, 0, amount from open_payables
),

bucketed as (
    select
        f.entity_code,
        -- overdue items are expected in the first week; beyond week 13 is out of the horizon
        case
            when f.due_date <= w1.week_end then 1
            else (select min(w.week_no) from weeks as w where f.due_date between w.week_start and w.week_end)
        end as week_no,
        f.receipts,
        f.payments
    from flows as f
    cross join (select week_end from weeks where week_no = 1) as w1
),

entities as (
    select distinct entity_code from {{ ref('trial_balance') }}
),

opening as (
    select tb.entity_code, sum(tb.closing_balance) as cash
    from {{ ref('trial_balance') }} as tb
    where left(tb.account_code, 4) in ('1001', '1002', '1012')
      and tb.period = (select {{ fiscal_period('as_of_date') }} from as_of)
    group by 1
),

weekly as (
    select
        e.entity_code,
        w.week_no,
        w.week_start,
        w.week_end,
        coalesce(sum(b.receipts), 0) as expected_receipts,
        coalesce(sum(b.payments), 0) as expected_payments
    from entities as e
    cross join weeks as w
    left join bucketed as b on b.entity_code = e.entity_code and b.week_no = w.week_no
    group by 1, 2, 3, 4
)

select
    w.entity_code,
    w.week_no,
    w.week_start,
    w.week_end,
    {{ money('coalesce(o.cash, 0) + coalesce(sum(w.expected_receipts - w.expected_payments) over (partition by w.entity_code order by w.week_no rows between unbounded preceding and 1 preceding), 0)') }}
        as opening_cash,
    {{ money('w.expected_receipts') }} as expected_receipts,
    {{ money('w.expected_payments') }} as expected_payments,
    {{ money('w.expected_receipts - w.expected_payments') }} as net_flow,
    {{ money('coalesce(o.cash, 0) + sum(w.expected_receipts - w.expected_payments) over (partition by w.entity_code order by w.week_no rows between unbounded preceding and current row)') }}
        as closing_cash
from weekly as w
left join opening as o on o.entity_code = w.entity_code
