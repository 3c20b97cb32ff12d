-- Purchase requisitions (one product per requisition in the group ERP); they commit budget.
with all_requisitions as (
    select * from {{ ref('conformed_purchase_requisition') }}
),

doc as (
    select
        all_requisitions.*,
        {{ legal_entity_columns('all_requisitions', 'company_code') }}
    from all_requisitions
    {{ legal_entity_join('all_requisitions', 'company_code') }}
)

select
    {{ canonical_key('doc.source_requisition_id', 'doc') }} as purchase_requisition_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.requisition_date,
    doc.org_unit_source_code,
    requester.unified_employee_code as requester_employee_code,
    product.unified_product_code as product_code,
    doc.product_source_code,
    doc.quantity,
    doc.status,
    doc.transaction_currency,
    doc.amount,
    doc.functional_currency,
    {{ group_currency_columns(['amount'], 'requisition_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ employee_join('requester', 'doc', 'requester_user_id') }}
{{ product_join('product', 'doc', 'product_source_code') }}
{{ group_currency_joins('requisition_date') }}
