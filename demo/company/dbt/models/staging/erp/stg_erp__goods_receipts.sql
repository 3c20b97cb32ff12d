with source as (
    {{ yecai.raw_latest('erp', 'goods_receipts') }}
)

select
    cast(gr_no as varchar) as gr_no,
    cast(company_code as varchar) as company_code,
    cast(po_no as varchar) as po_no,
    nullif(trim(cast(vendor_no as varchar)), '') as vendor_no,
    cast(receipt_date as date) as receipt_date,
    nullif(cast(warehouse_code as varchar), '') as warehouse_code,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
