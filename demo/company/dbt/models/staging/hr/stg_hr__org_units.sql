-- One row per HR department: the current org chart.
with source as (
    {{ yecai.raw_latest('hr', 'org_units') }}
)

select
    trim(cast(dept_code as varchar)) as dept_code,
    cast(dept_name as varchar) as dept_name,
    nullif(trim(cast(parent_dept_code as varchar)), '') as parent_dept_code,
    trim(cast(company_name as varchar)) as company_name,
    nullif(trim(cast(cost_center as varchar)), '') as cost_center,
    cast(cost_center_name as varchar) as cost_center_name,
    cast(function as varchar) as function,
    {{ yecai.raw_trace_columns() }}
from source
