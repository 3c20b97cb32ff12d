with source as (
    {{ yecai.raw_latest('erp2', 'departments') }}
)

select
    'SG01' as company_code,
    cast(dept_code as varchar) as dept_code,
    cast(dept_name as varchar) as dept_name,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
