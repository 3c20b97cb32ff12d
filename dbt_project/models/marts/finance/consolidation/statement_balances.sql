{#- Balances the CAS statements print from: entity (and GROUP) × period × account, debit-positive.
    closing_balance is the balance at the period end; year_opening_balance the balance at the
    start of the fiscal year (the December before, or the balances brought forward);
    ytd_movement the year's movement (profit-and-loss accounts: without the vouchers that close
    profit into 本年利润, so the income statement shows the profit even where the books close it
    every month).

    Legal entities are in their functional currency, as booked. GROUP is in the group currency,
    consolidated by the CAS method (企业会计准则第19号 外币折算, 第33号 合并财务报表):
    - a foreign entity's assets and liabilities (and cost-class balances, which are inventory) at
      the closing rate of the period; its equity at historical rates and its profit and loss at
      transaction rates, i.e. each line at the rate of its posting date (finance.translated_gl_lines);
      what that leaves is the translation difference on pseudo-account FXTD, shown as
      外币财务报表折算差额 in other comprehensive income;
    - plus the eliminations of finance.consolidation_entries. -#}

with tb as (
    select entity_code, period, account_code, account_class, functional_currency, closing_balance,
        debit - credit as movement
    from {{ ref('trial_balance') }}
),

lines as (
    select voucher_id, entity_code, period, account_code, account_class, is_opening_balance,
        is_profit_closing, amount_functional, amount_group
    from {{ ref('translated_gl_lines') }}
),

account_classes as (
    select distinct account_code, account_class
    from {{ ref('account_statement_lines') }}
),

profit_and_loss_movements as (
    select entity_code, period, account_code,
        sum(amount_functional) as movement_functional, sum(amount_group) as movement_group
    from lines
    where account_class = 'profit_and_loss' and not is_opening_balance and not is_profit_closing
    group by 1, 2, 3
),

{# ---- legal entities, as booked ------------------------------------------------------------ #}

entity_years as (
    select tb.*,
        coalesce(p.movement_functional, 0) as profit_and_loss_movement,
        sum(tb.movement) over year_to_date as ytd_all_movements,
        sum(coalesce(p.movement_functional, 0)) over year_to_date as ytd_profit_and_loss
    from tb
    left join profit_and_loss_movements as p
        on p.entity_code = tb.entity_code and p.period = tb.period and p.account_code = tb.account_code
    window year_to_date as (
        partition by tb.entity_code, tb.account_code, left(tb.period, 4) order by tb.period
        rows between unbounded preceding and current row
    )
),

entity_rows as (
    select
        entity_code,
        period,
        account_code,
        functional_currency as currency,
        closing_balance,
        -- balances brought forward are part of the balance, never of the year's movement
        closing_balance - ytd_all_movements as year_opening_balance,
        case when account_class = 'profit_and_loss' then ytd_profit_and_loss
            else ytd_all_movements end as ytd_movement
    from entity_years
),

{# ---- GROUP: translated, then eliminated --------------------------------------------------- #}

translated_movements as (
    select entity_code, period, account_code, sum(amount_group) as amount_group
    from lines
    group by 1, 2, 3
),

rates as (
    {{ period_closing_rates() }}
),

entity_translated as (
    select
        tb.entity_code,
        tb.period,
        tb.account_code,
        case
            when tb.functional_currency <> '{{ var("group_currency") }}'
                and tb.account_class in ('asset', 'liability', 'cost')
                then round(cast(tb.closing_balance as decimal(38, 2)) * r.closing_rate, 2)
            else sum(coalesce(m.amount_group, 0)) over (
                partition by tb.entity_code, tb.account_code order by tb.period
                rows between unbounded preceding and current row
            )
        end as closing_group
    from tb
    left join translated_movements as m
        on m.entity_code = tb.entity_code and m.period = tb.period and m.account_code = tb.account_code
    left join rates as r on r.period = tb.period and r.currency = tb.functional_currency
),

group_closing_parts as (
    select period, account_code, closing_group from entity_translated
    union all
    -- the translation difference keeps each translated entity in balance
    select period, 'FXTD', -sum(closing_group) from entity_translated group by entity_code, period
    union all
    select period, account_code, closing_balance from {{ ref('consolidation_entries') }}
),

group_closing as (
    select period, account_code, sum(closing_group) as closing_balance
    from group_closing_parts
    group by 1, 2
),

brought_forward as (
    -- the opening balance sheet of a year that starts the books, at the rates it was brought forward at
    select left(period, 4) as fiscal_year, account_code, sum(amount_group) as amount
    from lines
    where is_opening_balance
    group by 1, 2
),

group_consolidation_openings as (
    select period, account_code, sum(year_opening_balance) as amount, sum(ytd_movement) as ytd_movement
    from {{ ref('consolidation_entries') }}
    group by 1, 2
),

group_grid as (
    select g.period, g.account_code, g.closing_balance, coalesce(p.movement_group, 0) as profit_and_loss_movement
    from group_closing as g
    left join (
        select period, account_code, sum(movement_group) as movement_group
        from profit_and_loss_movements
        group by 1, 2
    ) as p on p.period = g.period and p.account_code = g.account_code
),

group_rows as (
    select
        'GROUP' as entity_code,
        g.period,
        g.account_code,
        g.closing_balance,
        case
            when d.period is not null then d.closing_balance
            -- no December before: the year starts the books
            when {{ last_december('g.period') }} not in (select period from group_closing)
                then coalesce(bf.amount, 0) + coalesce(o.amount, 0)
            else 0
        end as year_opening_balance,
        c.account_class,
        sum(g.profit_and_loss_movement) over (
            partition by g.account_code, left(g.period, 4) order by g.period
            rows between unbounded preceding and current row
        ) + coalesce(o.ytd_movement, 0) as ytd_profit_and_loss
    from group_grid as g
    left join group_closing as d on d.account_code = g.account_code and d.period = {{ last_december('g.period') }}
    left join brought_forward as bf on bf.account_code = g.account_code and bf.fiscal_year = left(g.period, 4)
    left join group_consolidation_openings as o on o.account_code = g.account_code and o.period = g.period
    left join account_classes as c on c.account_code = g.account_code
),

all_rows as (
    select * from entity_rows
    union all
    select entity_code, period, account_code, '{{ var("group_currency") }}', closing_balance,
        year_opening_balance,
        case when account_class = 'profit_and_loss' then ytd_profit_and_loss
            else closing_balance - year_opening_balance end
    from group_rows
)

select
    entity_code,
    period,
    account_code,
    currency,
    {{ money('closing_balance') }} as closing_balance,
    {{ money('year_opening_balance') }} as year_opening_balance,
    {{ money('ytd_movement') }} as ytd_movement
from all_rows
