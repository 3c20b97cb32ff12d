with source as (
    {{ yecai.raw_latest('erp', 'journal_vouchers') }}
)

select
    cast(voucher_no as varchar) as voucher_no,
    cast(company_code as varchar) as company_code,
    cast(fiscal_year as integer) as fiscal_year,
    cast(fiscal_period as integer) as fiscal_period,
    cast(voucher_date as date) as voucher_date,
    cast(voucher_type as varchar) as voucher_type,
    lower(nullif(cast(source_doc_type as varchar), '')) as source_doc_type,
    nullif(cast(source_doc_no as varchar), '') as source_doc_no,
    cast(description as varchar) as description,
    upper(cast(currency as varchar)) as currency,
    nullif(cast(created_by as varchar), '') as created_by_user_id,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
