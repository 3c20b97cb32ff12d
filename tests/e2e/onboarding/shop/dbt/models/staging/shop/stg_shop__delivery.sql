-- delivery: the shop's shipped lines, at cost.
select
    shipment_no || '|' || cast(line as varchar) as source_line_id,
    shipment_no as source_delivery_id,
    shipment_no as document_number,
    'NB' as company_code,
    shipped_on as delivery_date,
    cast(null as varchar) as source_order_id,
    cast(null as varchar) as source_order_line_id,
    customer_id as party_source_code,
    sku as product_source_code,
    cast(null as varchar) as warehouse_code,
    qty as quantity,
    cost as cost_amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__shipments') }}
