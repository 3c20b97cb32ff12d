with source as (
    {{ yecai.raw_latest('erp2', 'cash_transactions') }}
)

select
    'SG01' as company_code,
    cast(txn_id as varchar) as txn_id,
    nullif(trim(cast(bp_id as varchar)), '') as bp_id,
    nullif(cast(doc_ref as varchar), '') as doc_ref,
    cast(txn_date as date) as txn_date,
    -- IN: money from a customer; OUT: money to a supplier.
    case upper(cast(direction as varchar)) when 'IN' then 'receipt' when 'OUT' then 'payment' end as direction,
    upper(cast(currency as varchar)) as currency,
    cast(amount as decimal(18, 2)) as amount,
    cast(fx_rate as decimal(18, 8)) as fx_rate,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
