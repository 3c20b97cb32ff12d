{#- Revenue (营业收入) by entity, month, customer and product, net of VAT, from customer invoices.
    The canonical model has invoices at header grain, so an invoice's net amount is spread over
    the products of its sales order in proportion to the order lines' net amounts (the demo
    invoices whole orders); an invoice without order lines keeps product_code null. -#}

with invoices as (
    select customer_invoice_key, legal_entity_code, invoice_date, party_code, sales_order_key,
        functional_currency, net_amount_functional, net_amount_group
    from {{ ref('customer_invoice') }}
),

order_lines as (
    select sales_order_key, product_code, net_amount,
        sum(net_amount) over (partition by sales_order_key) as order_net
    from {{ ref('sales_order_line') }}
),

spread as (
    select
        i.legal_entity_code as entity_code,
        {{ fiscal_period('i.invoice_date') }} as period,
        i.party_code,
        ol.product_code,
        i.functional_currency,
        i.customer_invoice_key,
        case when ol.order_net is null or ol.order_net = 0 then i.net_amount_functional
            else i.net_amount_functional * ol.net_amount / ol.order_net end as net_revenue,
        case when ol.order_net is null or ol.order_net = 0 then i.net_amount_group
            else i.net_amount_group * ol.net_amount / ol.order_net end as net_revenue_group
    from invoices as i
    left join order_lines as ol on ol.sales_order_key = i.sales_order_key
)

select
    entity_code,
    period,
    party_code,
    product_code,
    max(functional_currency) as functional_currency,
    {{ money('sum(net_revenue)') }} as net_revenue,
    {{ money('sum(net_revenue_group)') }} as net_revenue_group,
    count(distinct customer_invoice_key) as invoice_count
from spread
group by entity_code, period, party_code, product_code
