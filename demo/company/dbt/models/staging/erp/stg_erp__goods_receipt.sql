-- goods_receipt (standard interface) from the group ERP: one row per received line, valued at
-- the purchase price before VAT in the functional currency (the ERP values receipts in CNY).
select
    lines.gr_no || '|' || cast(lines.line_no as varchar) as source_line_id,
    lines.gr_no as source_receipt_id,
    headers.gr_no as document_number,
    headers.company_code,
    headers.receipt_date,
    lines.po_no as source_order_id,
    headers.vendor_no as party_source_code,
    lines.material_no as product_source_code,
    headers.warehouse_code,
    lines.quantity,
    lines.amount,
    lines.source_system,
    lines.source_document_id,
    lines.batch_id
from {{ ref('stg_erp__goods_receipt_lines') }} as lines
inner join {{ ref('stg_erp__goods_receipts') }} as headers
    on headers.gr_no = lines.gr_no
