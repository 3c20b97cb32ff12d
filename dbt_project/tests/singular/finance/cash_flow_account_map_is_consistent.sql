-- seed cash_flow_account_map: every account of the group chart (and every account the books use)
-- is classified; inflow and outflow
-- lines are detail lines of the cash flow statement, of the account's own activity (interest
-- received and paid may sit in investing and financing, never in operating, which the indirect
-- method needs); indirect lines are detail lines of the 补充资料; only operating accounts follow
-- the voucher (an exchange difference stays operating or goes with its voucher).
with map as (
    select * from {{ ref('cash_flow_account_map') }}
),

lines as (
    select line_code, section, line_kind from {{ ref('cas_statement_lines') }}
    where statement = 'cash_flow_statement'
),

unclassified as (
    select 'unclassified account' as problem, c.account_code as detail
    from {{ ref('account_statement_lines') }} as c
    where c.statement = 'balance_sheet'
      and not exists (select 1 from map as m where starts_with(c.account_code, m.account_prefix))
),

flow_lines as (
    select m.account_prefix, m.activity, x.line_code
    from map as m
    cross join lateral (select unnest([m.inflow_line_code, m.outflow_line_code]) as line_code) as x
    where x.line_code is not null
)

select * from unclassified
union all
select 'flow line is not a detail line of the activity', f.account_prefix || ' → ' || f.line_code
from flow_lines as f
left join lines as l on l.line_code = f.line_code and l.line_kind = 'detail'
where l.line_code is null
   or (f.activity = 'operating') <> (l.section = 'operating')
   or f.activity = 'cash'
union all
select 'indirect line is not a detail line of 补充资料', m.account_prefix || ' → ' || m.indirect_line_code
from map as m
left join lines as l on l.line_code = m.indirect_line_code and l.section = 'supplement' and l.line_kind = 'detail'
where m.indirect_line_code is not null and l.line_code is null
union all
select 'only operating accounts follow the voucher', account_prefix
from map
where cast(follows_voucher as boolean) and activity <> 'operating'
