with source as (
    {{ yecai.raw_latest('erp2', 'purchase_invoices') }}
)

select
    'SG01' as company_code,
    cast(doc_id as varchar) as doc_id,
    nullif(trim(cast(bp_id as varchar)), '') as bp_id,
    nullif(cast(supplier_ref as varchar), '') as supplier_ref,
    cast(doc_date as date) as doc_date,
    cast(due_date as date) as due_date,
    upper(cast(currency as varchar)) as currency,
    cast(fx_rate as decimal(18, 8)) as fx_rate,
    cast(net_total as decimal(18, 2)) as net_total,
    cast(gst_total as decimal(18, 2)) as gst_total,
    cast(doc_total as decimal(18, 2)) as doc_total,
    lower(cast(doc_status as varchar)) as doc_status,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
