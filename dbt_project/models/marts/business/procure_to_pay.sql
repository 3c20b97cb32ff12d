{#- Procure to pay (采购到付款): one row per purchase order chain — requisition, order, goods
    receipt, supplier invoice, payment — with the date of each step and the days between them.
    A step not yet reached is null. Amounts in the functional currency. -#}

with orders as (
    select purchase_order_key, document_number, legal_entity_code, order_date, party_code, status,
        purchase_requisition_key, functional_currency, gross_amount_functional,
        source_system, source_document_id, batch_id
    from {{ ref('purchase_order') }}
),

requisitions as (
    select purchase_requisition_key, requisition_date from {{ ref('purchase_requisition') }}
),

receipts as (
    select purchase_order_key, min(receipt_date) as first_receipt_date, max(receipt_date) as last_receipt_date,
        sum(amount_functional) as received_value
    from {{ ref('goods_receipt') }}
    group by 1
),

invoices as (
    select supplier_invoice_key, purchase_order_key, invoice_date, due_date, gross_amount_functional
    from {{ ref('supplier_invoice') }}
),

invoice_per_order as (
    select purchase_order_key, min(invoice_date) as invoice_date, min(due_date) as due_date,
        sum(gross_amount_functional) as invoiced_amount
    from invoices
    group by 1
),

payments as (
    select i.purchase_order_key, max(p.payment_date) as payment_date, sum(p.amount_functional) as paid_amount
    from {{ ref('payment') }} as p
    join invoices as i on i.supplier_invoice_key = p.supplier_invoice_key
    group by 1
)

select
    o.purchase_order_key,
    o.document_number as order_no,
    o.legal_entity_code as entity_code,
    o.party_code,
    o.status as order_status,
    rq.requisition_date,
    o.order_date,
    gr.first_receipt_date as goods_receipt_date,
    i.invoice_date,
    i.due_date,
    p.payment_date,
    date_diff('day', rq.requisition_date, o.order_date) as requisition_to_order_days,
    date_diff('day', o.order_date, gr.first_receipt_date) as order_to_receipt_days,
    date_diff('day', gr.last_receipt_date, i.invoice_date) as receipt_to_invoice_days,
    date_diff('day', i.invoice_date, p.payment_date) as invoice_to_payment_days,
    date_diff('day', coalesce(rq.requisition_date, o.order_date), p.payment_date) as procure_to_pay_days,
    o.functional_currency,
    {{ money('o.gross_amount_functional') }} as order_amount,
    {{ money('gr.received_value') }} as received_value,
    {{ money('i.invoiced_amount') }} as invoiced_amount,
    {{ money('p.paid_amount') }} as paid_amount,
    case
        when p.payment_date is not null then 'paid'
        when i.invoice_date is not null then 'invoiced'
        when gr.first_receipt_date is not null then 'received'
        else 'ordered'
    end as chain_stage,
    o.source_system,
    o.source_document_id,
    o.batch_id
from orders as o
left join requisitions as rq on rq.purchase_requisition_key = o.purchase_requisition_key
left join receipts as gr on gr.purchase_order_key = o.purchase_order_key
left join invoice_per_order as i on i.purchase_order_key = o.purchase_order_key
left join payments as p on p.purchase_order_key = o.purchase_order_key
