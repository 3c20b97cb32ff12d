-- inventory_movement (standard interface) from the group ERP: signed (+ into stock), valued at
-- standard cost in the functional currency.
select
    movement_no as source_movement_id,
    company_code,
    movement_date,
    movement_type,
    material_no as product_source_code,
    warehouse_code,
    ref_doc_type as reference_document_type,
    ref_doc_no as reference_document_id,
    quantity,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__inventory_movements') }}
