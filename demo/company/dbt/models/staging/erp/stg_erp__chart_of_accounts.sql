with source as (
    {{ yecai.raw_latest('erp', 'chart_of_accounts') }}
)

select
    cast(company_code as varchar) as company_code,
    cast(account_no as varchar) as account_no,
    cast(account_name as varchar) as account_name,
    lower(cast(account_type as varchar)) as account_type,
    case upper(cast(balance_side as varchar)) when 'D' then 'debit' when 'C' then 'credit' end as normal_balance,
    nullif(cast(parent_account_no as varchar), '') as parent_account_no,
    cast(is_postable as integer) = 1 as is_postable,
    cast(created_on as date) as created_on,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
