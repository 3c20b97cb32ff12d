{#- Order to cash (订单到收款): one row per sales order chain — order, first and last delivery,
    invoice, receipt — with the date of each step and the days between them. A step not yet
    reached is null, so open chains stay visible. Amounts in the functional currency. -#}

with orders as (
    select sales_order_key, document_number, legal_entity_code, order_date, party_code, status,
        functional_currency, gross_amount_functional, source_system, source_document_id, batch_id
    from {{ ref('sales_order') }}
),

deliveries as (
    select sales_order_key, min(delivery_date) as first_delivery_date, max(delivery_date) as last_delivery_date,
        count(distinct delivery_key) as delivery_count
    from {{ ref('delivery') }}
    group by 1
),

invoices as (
    select customer_invoice_key, sales_order_key, invoice_date, due_date, gross_amount_functional
    from {{ ref('customer_invoice') }}
),

invoice_per_order as (
    select sales_order_key, min(invoice_date) as invoice_date, min(due_date) as due_date,
        sum(gross_amount_functional) as invoiced_amount, count(*) as invoice_count
    from invoices
    group by 1
),

receipts as (
    select i.sales_order_key, max(r.receipt_date) as receipt_date, sum(r.amount_functional) as received_amount
    from {{ ref('receipt') }} as r
    join invoices as i on i.customer_invoice_key = r.customer_invoice_key
    group by 1
)

select
    o.sales_order_key,
    o.document_number as order_no,
    o.legal_entity_code as entity_code,
    o.party_code,
    o.status as order_status,
    o.order_date,
    d.first_delivery_date,
    d.last_delivery_date,
    i.invoice_date,
    i.due_date,
    r.receipt_date,
    date_diff('day', o.order_date, d.first_delivery_date) as order_to_delivery_days,
    date_diff('day', d.last_delivery_date, i.invoice_date) as delivery_to_invoice_days,
    date_diff('day', i.invoice_date, r.receipt_date) as invoice_to_receipt_days,
    date_diff('day', o.order_date, r.receipt_date) as order_to_cash_days,
    coalesce(d.delivery_count, 0) as delivery_count,
    coalesce(i.invoice_count, 0) as invoice_count,
    o.functional_currency,
    {{ money('o.gross_amount_functional') }} as order_amount,
    {{ money('i.invoiced_amount') }} as invoiced_amount,
    {{ money('r.received_amount') }} as received_amount,
    case
        when r.receipt_date is not null then 'paid'
        when i.invoice_date is not null then 'invoiced'
        when d.first_delivery_date is not null then 'delivered'
        else 'ordered'
    end as chain_stage,
    o.source_system,
    o.source_document_id,
    o.batch_id
from orders as o
left join deliveries as d on d.sales_order_key = o.sales_order_key
left join invoice_per_order as i on i.sales_order_key = o.sales_order_key
left join receipts as r on r.sales_order_key = o.sales_order_key
