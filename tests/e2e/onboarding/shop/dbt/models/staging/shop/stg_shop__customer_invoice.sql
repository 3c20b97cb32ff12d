-- customer_invoice: the shop's sales invoices, all in CNY. The shop keeps one company: NB.
select
    invoice_no as source_invoice_id,
    invoice_no as document_number,
    'NB' as company_code,
    invoice_date,
    due_date,
    customer_id as party_source_code,
    cast(null as varchar) as source_order_id,
    cast(null as varchar) as source_delivery_id,
    cast(null as varchar) as vat_invoice_no,
    'CNY' as transaction_currency,
    cast(null as decimal(18, 8)) as document_rate,
    net as net_amount,
    vat as tax_amount,
    gross as gross_amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__sales') }}
