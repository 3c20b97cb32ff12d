with source as (
    {{ yecai.raw_latest('erp2', 'gl_accounts') }}
)

select
    -- SimpleBooks keeps one company's books: the group knows it as company SG01.
    'SG01' as company_code,
    cast(acct_code as varchar) as acct_code,
    cast(acct_name as varchar) as acct_name,
    lower(cast(acct_class as varchar)) as acct_class,
    case lower(cast(acct_class as varchar))
        when 'asset' then 'debit' when 'expense' then 'debit' else 'credit'
    end as normal_balance,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
