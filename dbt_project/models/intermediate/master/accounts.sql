-- Golden record per group account: the group chart (seed group_chart_of_accounts, owned by
-- group finance — it wins for every attribute), with how many local accounts map onto it.
with chart as (
    select * from {{ ref('group_chart_of_accounts') }}
),

mapped as (
    select
        group_account_code,
        count(*) as local_account_count,
        string_agg(source_system || ':' || source_company_code || '|' || account_source_code, ','
            order by source_system, source_company_code, account_source_code) as local_accounts
    from {{ ref('account_crosswalk') }}
    where group_account_code is not null
    group by group_account_code
)

select
    chart.account_code as group_account_code,
    chart.parent_account_code,
    chart.account_level,
    chart.account_name_cn,
    chart.account_name_en,
    chart.account_class,
    chart.normal_balance,
    chart.bs_line_code,
    chart.is_line_code,
    chart.is_postable,
    chart.control_account_for,
    coalesce(mapped.local_account_count, 0) as local_account_count,
    mapped.local_accounts
from chart
left join mapped on mapped.group_account_code = chart.account_code
