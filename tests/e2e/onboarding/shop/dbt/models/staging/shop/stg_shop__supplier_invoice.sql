-- supplier_invoice: the shop's bills from suppliers.
select
    bill_no as source_invoice_id,
    bill_no as document_number,
    'NB' as company_code,
    bill_date as invoice_date,
    due_date,
    supplier_id as party_source_code,
    cast(null as varchar) as source_order_id,
    cast(null as varchar) as vendor_invoice_ref,
    'CNY' as transaction_currency,
    cast(null as decimal(18, 8)) as document_rate,
    net as net_amount,
    vat as tax_amount,
    gross as gross_amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__bills') }}
