{#- Balances the statements are printed from, per entity and for the consolidated GROUP:
    entity × period × account with the closing balance and the year-to-date movement.
    Entities are in their functional currency. GROUP is in the group currency (each line
    translated at its own rate, `amount_group`), with intercompany balances, revenue and cost
    eliminated by balanced elimination entries (seed intercompany_parties); any difference
    between the two sides of an intercompany balance stays in 未分配利润 and is listed in
    governance.reconciliation_exceptions. -#}

with tb as (
    select entity_code, period, account_code, closing_balance, debit - credit as movement
    from {{ ref('trial_balance') }}
),

group_lines as (
    select
        l.period,
        l.account_code,
        l.amount_group,
        l.is_opening_balance,
        ic.party_code is not null as is_intercompany
    from {{ ref('gl_lines') }} as l
    left join {{ ref('intercompany_parties') }} as ic on ic.party_code = l.party_code
),

group_movements as (
    -- brought_forward is the opening-balance voucher: part of the balance, not of the movement
    select period, account_code,
        coalesce(sum(amount_group) filter (where is_opening_balance), 0) as brought_forward,
        coalesce(sum(amount_group) filter (where not is_opening_balance), 0) as movement
    from group_lines
    group by 1, 2
),

elimination_movements as (
    -- receivables/payables/prepayments/advances with a group entity: reverse them, and book
    -- the (ideally zero) net difference to retained earnings so the entry balances;
    -- intercompany revenue is reversed against cost of sales (profit unchanged)
    select period, account_code, 0 as brought_forward, -sum(amount_group) as movement
    from group_lines
    where is_intercompany and left(account_code, 4) in ('1122', '1123', '2202', '2203', '1221', '2241', '6001', '6051')
    group by 1, 2
    union all
    select period, '4104' as account_code, 0, sum(amount_group) as movement
    from group_lines
    where is_intercompany and left(account_code, 4) in ('1122', '1123', '2202', '2203', '1221', '2241')
    group by 1
    union all
    select period, '6401' as account_code, 0, sum(amount_group) as movement
    from group_lines
    where is_intercompany and left(account_code, 4) in ('6001', '6051')
    group by 1
),

group_before_translation as (
    select period, account_code, sum(brought_forward) as brought_forward, sum(movement) as movement
    from (
        select * from group_movements
        union all
        select * from elimination_movements
    )
    group by 1, 2
),

group_all_movements as (
    -- translating each line at its own rate leaves a small difference (外币报表折算差额);
    -- it is carried on its own pseudo-account FXTD, shown within 未分配利润, so the group
    -- balance sheet balances without touching any entity's books
    select * from group_before_translation
    union all
    select period, 'FXTD' as account_code, -sum(brought_forward), -sum(movement) as movement
    from group_before_translation
    group by 1
    having sum(brought_forward) <> 0 or sum(movement) <> 0
),

group_grid as (
    select distinct t.period, m.account_code
    from (select distinct period from tb) as t
    join (select account_code, min(period) as first_period from group_all_movements group by 1) as m
        on t.period >= m.first_period
),

group_tb as (
    select
        'GROUP' as entity_code,
        g.period,
        g.account_code,
        sum(coalesce(m.brought_forward, 0) + coalesce(m.movement, 0)) over (
            partition by g.account_code order by g.period
            rows between unbounded preceding and current row
        ) as closing_balance,
        coalesce(m.movement, 0) as movement
    from group_grid as g
    left join group_all_movements as m on m.period = g.period and m.account_code = g.account_code
),

all_tb as (
    select * from tb
    union all
    select * from group_tb
)

select
    entity_code,
    period,
    account_code,
    {{ money('closing_balance') }} as closing_balance,
    {{ money('movement') }} as movement,
    {{ money('sum(movement) over (partition by entity_code, account_code, left(period, 4) order by period rows between unbounded preceding and current row)') }}
        as ytd_movement
from all_tb
