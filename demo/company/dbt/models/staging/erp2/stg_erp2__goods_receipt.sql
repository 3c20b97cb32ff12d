-- goods_receipt (standard interface) from SimpleBooks, which has no goods receipt: goods are
-- taken into stock with the bill, so each bill item line is also the receipt of those goods,
-- valued at the bill's booking rate in SGD.
select
    items.doc_id || '|' || cast(items.line_num as varchar) as source_line_id,
    items.doc_id as source_receipt_id,
    bills.doc_id as document_number,
    bills.company_code,
    bills.doc_date as receipt_date,
    cast(null as varchar) as source_order_id,
    bills.bp_id as party_source_code,
    items.item_code as product_source_code,
    cast(null as varchar) as warehouse_code,
    items.qty as quantity,
    cast(round(items.line_total * bills.fx_rate, 2) as decimal(18, 2)) as amount,
    items.source_system,
    items.source_document_id,
    items.batch_id
from {{ ref('stg_erp2__purchase_invoice_items') }} as items
inner join {{ ref('stg_erp2__purchase_invoices') }} as bills
    on bills.doc_id = items.doc_id
