{#- What each journal line contributes to the cash flow statement, per entity (and GROUP) ×
    period × statement line, in the entity's currency (GROUP: the group currency), cash-positive
    (an inflow or an add-back is positive). Both methods come from the same lines:

    Direct method (现金流量表 主表, lines CF_*): a voucher that moves a cash account (seed
    cash_flow_account_map, activity `cash`) is classified by its other lines: each contributes
    −(its debit-positive amount) to the inflow or outflow line of its account, by the sign of
    that contribution. Exchange-difference lines (follows_voucher) go with the voucher's largest
    other line, or, alone beside cash, to 汇率变动对现金的影响. For GROUP, a line with a group
    entity as its party is an internal flow (内部现金流量) and is left out of every line.

    Indirect method (补充资料, lines CFS_*): net profit (every profit-and-loss line) adjusted line
    by line, by each account's indirect_line_code: operating balance-sheet accounts by their
    movement (e.g. 存货的减少); profit and loss of investing and financing activities, and
    exchange differences that are not operating, reversed (财务费用, 投资损失 …); investing and
    financing accounts by what they move in vouchers that move no cash (e.g. 长期待摊费用摊销).
    Because every voucher balances, the indirect lines add up to the direct method's net cash
    from operating activities exactly; a dbt test holds them to it.

    Opening balances brought forward and the vouchers that close profit into 本年利润 move no
    cash and make no profit: they are left out. GROUP adds the consolidation entries
    (finance.consolidation_entries) as vouchers that move no cash. -#}

with account_map as (
    select account_prefix, activity, inflow_line_code, outflow_line_code, indirect_line_code,
        cast(follows_voucher as boolean) as follows_voucher
    from {{ ref('cash_flow_account_map') }}
),

source_lines as (
    select gl_line_id, voucher_id, entity_code, period, account_code, account_class,
        counterparty_entity_code, amount_functional, amount_group
    from {{ ref('translated_gl_lines') }}
    where not is_opening_balance and not is_profit_closing
),

lines as (
    select voucher_id, entity_code as view_entity, period, account_code, account_class,
        false as is_internal, amount_functional as amount
    from source_lines
    union all
    select voucher_id, 'GROUP', period, account_code, account_class,
        counterparty_entity_code is not null, amount_group
    from source_lines
    union all
    -- eliminations: one voucher per rule and period that moves no cash
    select 'consolidation:' || rule_id || ':' || period, 'GROUP', period, e.account_code, c.account_class,
        false, movement
    from {{ ref('consolidation_entries') }} as e
    left join (
        select account_code, account_class from {{ ref('account_statement_lines') }}
        where statement = 'balance_sheet'
    ) as c on c.account_code = e.account_code
    where movement <> 0
),

accounts as (
    -- each account's map row, the longest prefix winning (decided once per account)
    select a.account_code, m.activity, m.inflow_line_code, m.outflow_line_code,
        m.indirect_line_code, m.follows_voucher
    from (select distinct account_code from lines) as a
    join account_map as m on starts_with(a.account_code, m.account_prefix)
    qualify row_number() over (partition by a.account_code order by length(m.account_prefix) desc) = 1
),

mapped as (
    select l.*, a.activity, a.inflow_line_code, a.outflow_line_code, a.indirect_line_code,
        coalesce(a.follows_voucher, false) as follows_voucher,
        bool_or(a.activity = 'cash') over (partition by l.view_entity, l.voucher_id) as is_cash_voucher
    from lines as l
    left join accounts as a on a.account_code = l.account_code
),

main_counterparts as (
    -- what an exchange difference beside cash goes with: the voucher's largest other line
    select view_entity, voucher_id,
        case when is_internal then 'internal' else activity end as main_class,
        case when -amount >= 0 then inflow_line_code else outflow_line_code end as main_line_code
    from mapped
    where is_cash_voucher and coalesce(activity, '') <> 'cash' and not follows_voucher
    qualify row_number() over (
        partition by view_entity, voucher_id order by abs(amount) desc, account_code
    ) = 1
),

classified as (
    -- cash_class: how a line beside cash is presented (null for lines of vouchers without cash)
    select l.*,
        case
            when not l.is_cash_voucher then null
            when l.is_internal then 'internal'
            when not l.follows_voucher then l.activity
            when m.main_class is not null then m.main_class
            else 'exchange'
        end as cash_class,
        case
            when not l.is_cash_voucher or l.is_internal then null
            when not l.follows_voucher then
                case when -l.amount >= 0 then l.inflow_line_code else l.outflow_line_code end
            when m.main_class is not null then m.main_line_code
            else 'CF_FX_EFFECT'
        end as direct_line_code
    from mapped as l
    -- joined on the keys alone: m is read only where l.follows_voucher (the cases above), and
    -- a left-only condition in ON turned this into a nested-loop join (335 s at scale 1, 1.6 s
    -- as a hash join; same rows)
    left join main_counterparts as m
        on m.view_entity = l.view_entity and m.voucher_id = l.voucher_id
    where coalesce(l.activity, '') <> 'cash'
),

direct as (
    select view_entity, period, direct_line_code as line_code, -amount as raw_amount
    from classified
    where cash_class in ('operating', 'investing', 'financing', 'exchange')
),

indirect_lines as (
    select view_entity, period, account_class, activity, indirect_line_code, is_cash_voucher,
        coalesce(cash_class, '') as cash_class, amount
    from classified
),

indirect as (
    -- net profit: every profit-and-loss line
    select view_entity, period, 'CFS_NET_PROFIT' as line_code, -amount as raw_amount
    from indirect_lines
    where account_class = 'profit_and_loss'
    union all
    -- profit and loss beside cash that is no operating cash flow: reversed
    select view_entity, period, coalesce(indirect_line_code, 'CFS_OTHER'), amount
    from indirect_lines
    where account_class = 'profit_and_loss' and is_cash_voucher and cash_class <> 'operating'
    union all
    -- operating balance-sheet accounts: their movement, except beside cash in a flow that is not operating
    select view_entity, period, coalesce(indirect_line_code, 'CFS_OTHER'), -amount
    from indirect_lines
    where account_class <> 'profit_and_loss' and activity = 'operating'
      and (not is_cash_voucher or cash_class = 'operating')
    union all
    -- investing and financing accounts: what they move where no cash moves
    select view_entity, period, coalesce(indirect_line_code, 'CFS_OTHER'), -amount
    from indirect_lines
    where account_class <> 'profit_and_loss' and coalesce(activity, '') <> 'operating' and not is_cash_voucher
)

select
    view_entity as entity_code,
    period,
    line_code,
    {{ money('sum(raw_amount)') }} as raw_amount
from (
    select * from direct
    union all
    select * from indirect
)
group by 1, 2, 3
