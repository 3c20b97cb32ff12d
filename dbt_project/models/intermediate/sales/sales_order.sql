-- Sales orders, header grain, from every ERP.
with all_orders as (
    select * from {{ ref('conformed_sales_order') }}
),

doc as (
    select
        all_orders.*,
        {{ legal_entity_columns('all_orders', 'company_code') }}
    from all_orders
    {{ legal_entity_join('all_orders', 'company_code') }}
)

select
    {{ canonical_key('doc.source_order_id', 'doc') }} as sales_order_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.order_date,
    customer.unified_party_code as party_code,
    doc.party_source_code,
    sales_rep.unified_employee_code as sales_employee_code,
    doc.org_unit_source_code,
    doc.status,
    doc.transaction_currency,
    doc.net_amount,
    doc.tax_amount,
    doc.gross_amount,
    doc.functional_currency,
    {{ group_currency_columns(['net_amount', 'tax_amount', 'gross_amount'], 'order_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('customer', 'doc', 'party_source_code') }}
{{ employee_join('sales_rep', 'doc', 'sales_rep_user_id') }}
{{ group_currency_joins('order_date') }}
