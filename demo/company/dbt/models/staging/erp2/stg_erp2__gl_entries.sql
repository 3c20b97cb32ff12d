with source as (
    {{ yecai.raw_latest('erp2', 'gl_entries') }}
)

select
    'SG01' as company_code,
    cast(entry_id as varchar) as entry_id,
    cast(journal_no as varchar) as journal_no,
    cast(posting_date as date) as posting_date,
    cast(period as varchar) as period,
    nullif(trim(cast(acct_code as varchar)), '') as acct_code,
    nullif(cast(dept_code as varchar), '') as dept_code,
    nullif(trim(cast(bp_id as varchar)), '') as bp_id,
    upper(cast(doc_type as varchar)) as doc_type,
    -- SimpleBooks' document types, decoded to canonical document types (JOURNAL = manual).
    case upper(cast(doc_type as varchar))
        when 'SALES' then 'customer_invoice'
        when 'PURCHASE' then 'supplier_invoice'
        when 'RECEIPT' then 'receipt'
        when 'PAYMENT' then 'payment'
        when 'PAYROLL' then 'payroll'
        when 'OPENING' then 'opening'
    end as canonical_document_type,
    nullif(cast(doc_ref as varchar), '') as doc_ref,
    -- D / C: the side; amounts are always positive.
    case upper(cast(dr_cr as varchar)) when 'D' then 'debit' when 'C' then 'credit' end as side,
    upper(cast(currency as varchar)) as currency,
    cast(amount_doc as decimal(18, 2)) as amount_doc,
    cast(fx_rate as decimal(18, 8)) as fx_rate,
    cast(amount_sgd as decimal(18, 2)) as amount_sgd,
    cast(memo as varchar) as memo,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
