-- delivery (standard interface) from SimpleBooks, which has no delivery note: goods leave with
-- the sales invoice, whose item lines carry the cost of the goods sold (SGD, the functional
-- currency).
select
    items.doc_id || '|' || cast(items.line_num as varchar) as source_line_id,
    items.doc_id as source_delivery_id,
    invoices.doc_id as document_number,
    invoices.company_code,
    invoices.doc_date as delivery_date,
    cast(null as varchar) as source_order_id,
    cast(null as varchar) as source_order_line_id,
    invoices.bp_id as party_source_code,
    items.item_code as product_source_code,
    cast(null as varchar) as warehouse_code,
    items.qty as quantity,
    items.cost_total as cost_amount,
    items.source_system,
    items.source_document_id,
    items.batch_id
from {{ ref('stg_erp2__sales_invoice_items') }} as items
inner join {{ ref('stg_erp2__sales_invoices') }} as invoices
    on invoices.doc_id = items.doc_id
