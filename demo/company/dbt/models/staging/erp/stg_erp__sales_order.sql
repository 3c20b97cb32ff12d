-- sales_order (standard interface) from the group ERP's order headers.
select
    order_no as source_order_id,
    order_no as document_number,
    company_code,
    order_date,
    customer_no as party_source_code,
    sales_rep_user_id,
    cast(null as varchar) as org_unit_source_code,
    order_status as status,
    currency as transaction_currency,
    net_amount,
    tax_amount,
    gross_amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__sales_orders') }}
