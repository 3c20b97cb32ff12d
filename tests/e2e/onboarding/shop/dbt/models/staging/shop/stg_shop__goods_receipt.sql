-- goods_receipt: goods the shop received into stock, per line, at purchase price before VAT.
select
    receipt_no || '|' || cast(line as varchar) as source_line_id,
    receipt_no as source_receipt_id,
    receipt_no as document_number,
    'NB' as company_code,
    received_on as receipt_date,
    cast(null as varchar) as source_order_id,
    supplier_id as party_source_code,
    sku as product_source_code,
    cast(null as varchar) as warehouse_code,
    qty as quantity,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__goods_in') }}
