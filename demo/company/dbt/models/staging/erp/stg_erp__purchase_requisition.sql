-- purchase_requisition (standard interface) from the group ERP (one product per requisition).
select
    req_no as source_requisition_id,
    req_no as document_number,
    company_code,
    req_date as requisition_date,
    cost_center as org_unit_source_code,
    requester_user_id,
    material_no as product_source_code,
    quantity,
    req_status as status,
    currency as transaction_currency,
    estimated_amount as amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__purchase_requisitions') }}
