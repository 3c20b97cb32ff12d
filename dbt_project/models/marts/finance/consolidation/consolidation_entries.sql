{#- 合并抵销分录: what turns the sum of the translated entity balances into the GROUP's, by the
    rules of seed intercompany_elimination_rules, in the group currency, debit-positive. One row
    per period × rule × account with the adjustment's closing balance (cumulative), its balance
    at the start of the fiscal year, its movement in the period and in the year to date. Each
    rule's adjustments balance in every period.

    - balance: every intercompany balance (finance.intercompany_balances) is reversed at its
      group amount; what a pair's two sides leave between them when they disagree goes to
      ICDIFF-A (debit) or ICDIFF-L (credit) and is listed in governance.reconciliation_exceptions
      (finance.intercompany_reconciliation); cents of rounding the rates leave between two sides
      that agree go to the translation difference (FXTD).
      Brought-forward intercompany balances are eliminated in the opening balance sheet too.
    - revenue_cost: the seller's revenue from group entities (借：营业收入) against cost of sales
      (贷：营业成本), at the transaction rates the income statement translates at.
    - unrealised_profit: the profit in goods the buyer still holds (借：营业成本 贷：存货). The
      buyer's closing inventory is made of its latest receipts into inventory (first in, first
      out); the part received on vouchers with a group seller, times the seller's gross margin on
      its sales to the buyer so far, is the unrealised profit; at the buyer's closing rate. -#}

with rules as (
    select * from {{ ref('intercompany_elimination_rules') }}
),

periods as (
    select period, row_number() over (order by period) as period_index
    from (select distinct period from {{ ref('trial_balance') }})
),

first_periods_of_year as (
    -- a year whose December-before is outside the books opens from balances brought forward
    select left(period, 4) as fiscal_year, min(period) as period
    from periods
    group by 1
    having {{ last_december('min(period)') }} not in (select period from periods)
),

{# ---- balance rules ------------------------------------------------------------------------ #}

closing_balances as (
    select period, false as is_opening, entity_code, counterparty_entity_code, rule_id, role,
        account_code, balance_group
    from {{ ref('intercompany_balances') }}
),

brought_forward_lines as (
    -- the opening snapshot of a year that starts the books: intercompany balances brought forward
    select f.period, l.entity_code, l.counterparty_entity_code, r.rule_id, r.role, l.account_code,
        l.amount_group
    from {{ ref('translated_gl_lines') }} as l
    join first_periods_of_year as f on f.fiscal_year = left(l.period, 4)
    join rules as r on r.elimination = 'balance' and starts_with(l.account_code, r.account_prefix)
    where l.is_opening_balance and l.counterparty_entity_code is not null
    qualify row_number() over (partition by l.gl_line_id order by length(r.account_prefix) desc) = 1
),

snapshot_balances as (
    select * from closing_balances
    union all
    select period, true, entity_code, counterparty_entity_code, rule_id, role, account_code,
        sum(amount_group)
    from brought_forward_lines
    group by all
),

pair_differences as (
    -- a pair is the holder of the receivable and the entity that owes it
    select period, is_opening, rule_id,
        case when role = 'receivable' then entity_code else counterparty_entity_code end as creditor,
        case when role = 'receivable' then counterparty_entity_code else entity_code end as debtor,
        sum(balance_group) as difference
    from snapshot_balances
    group by all
),

balance_adjustments as (
    select period, is_opening, rule_id, account_code, -sum(balance_group) as amount
    from snapshot_balances
    group by all
    union all
    -- a pair that agrees but for rounding the rates left (within the reconciliation tolerance)
    -- leaves a translation difference; one that disagrees, an unreconciled difference
    select period, is_opening, rule_id,
        case
            when abs(difference) <= {{ var('reconciliation_tolerance', 0.05) }} then 'FXTD'
            when difference > 0 then 'ICDIFF-A'
            else 'ICDIFF-L'
        end,
        sum(difference)
    from pair_differences
    where difference <> 0
    group by all
),

{# ---- revenue and cost --------------------------------------------------------------------- #}

revenue_rules as (
    select r.rule_id, r.account_prefix, c.account_prefix as cost_account
    from rules as r
    join rules as c on c.rule_id = r.rule_id and c.role = 'cost'
    where r.elimination = 'revenue_cost' and r.role = 'revenue'
),

intercompany_revenue as (
    select l.period, r.rule_id, l.account_code, r.cost_account, sum(l.amount_group) as amount
    from {{ ref('translated_gl_lines') }} as l
    join revenue_rules as r on starts_with(l.account_code, r.account_prefix)
    where l.counterparty_entity_code is not null and not l.is_opening_balance
    group by all
),

revenue_movements as (
    -- period movements; reversed revenue (a debit) against cost of sales (a credit)
    select period, rule_id, account_code, -sum(amount) as movement from intercompany_revenue group by all
    union all
    select period, rule_id, cost_account, sum(amount) from intercompany_revenue group by all
),

{# ---- unrealised profit in inventory ------------------------------------------------------- #}

profit_rule as (
    select i.rule_id, i.account_prefix as inventory_account, c.account_prefix as cost_account
    from rules as i
    join rules as c on c.rule_id = i.rule_id and c.role = 'cost'
    where i.elimination = 'unrealised_profit' and i.role = 'inventory'
),

inventory_accounts as (
    select account_code
    from {{ ref('account_statement_lines') }}
    where statement = 'balance_sheet' and line_code = 'BS07'
),

voucher_sellers as (
    select voucher_id, min(counterparty_entity_code) as seller
    from {{ ref('translated_gl_lines') }}
    where counterparty_entity_code is not null
    group by 1
),

inventory_layers as (
    -- every receipt into inventory; from a group seller when its voucher is with one
    select l.entity_code as buyer, l.posting_date, l.gl_line_id, l.amount_functional as layer_amount,
        s.seller
    from {{ ref('translated_gl_lines') }} as l
    join inventory_accounts as a on a.account_code = l.account_code
    left join voucher_sellers as s on s.voucher_id = l.voucher_id
    where l.amount_functional > 0
),

closing_inventory as (
    select tb.entity_code, tb.period, max(tb.functional_currency) as functional_currency,
        sum(tb.closing_balance) as closing_inventory
    from {{ ref('trial_balance') }} as tb
    join inventory_accounts as a on a.account_code = tb.account_code
    group by 1, 2
    having sum(tb.closing_balance) > 0
),

layers_on_hand as (
    select c.entity_code as buyer, c.period, c.functional_currency, l.seller,
        greatest(0, least(l.layer_amount, c.closing_inventory - coalesce(sum(l.layer_amount) over (
            partition by c.entity_code, c.period order by l.posting_date desc, l.gl_line_id desc
            rows between unbounded preceding and 1 preceding
        ), 0))) as on_hand
    from closing_inventory as c
    join inventory_layers as l
        on l.buyer = c.entity_code and l.posting_date <= {{ period_end_date('c.period') }}
        -- only buyers that hold goods from a group seller need their layers walked
        and c.entity_code in (select buyer from inventory_layers where seller is not null)
),

intercompany_stock as (
    select buyer, period, functional_currency, seller, sum(on_hand) as intercompany_inventory
    from layers_on_hand
    where seller is not null
    group by all
),

seller_margins as (
    -- the seller's gross margin on everything it has sold to the buyer up to each period end
    select p.period, s.seller, s.buyer,
        sum(s.revenue) filter (where s.period <= p.period) as revenue,
        sum(s.cost) filter (where s.period <= p.period) as cost
    from periods as p
    cross join (
        select i.legal_entity_code as seller, c.counterparty_entity_code as buyer,
            {{ fiscal_period('i.invoice_date') }} as period,
            i.net_amount_functional as revenue, 0 as cost
        from {{ ref('customer_invoice') }} as i
        join {{ ref('intercompany_counterparties') }} as c on c.party_code = i.party_code
        union all
        select d.legal_entity_code, c.counterparty_entity_code, {{ fiscal_period('d.delivery_date') }},
            0, d.cost_amount_functional
        from {{ ref('delivery') }} as d
        join {{ ref('intercompany_counterparties') }} as c on c.party_code = d.party_code
    ) as s
    group by all
),

rates as (
    {{ period_closing_rates() }}
),

unrealised_profit as (
    select st.period, pr.rule_id, pr.inventory_account, pr.cost_account,
        sum(round(
            cast(st.intercompany_inventory as decimal(38, 2))
            * greatest(0, least(1, 1 - m.cost / nullif(m.revenue, 0)))
            * coalesce(r.closing_rate, 1), 2)) as amount
    from intercompany_stock as st
    join seller_margins as m on m.period = st.period and m.seller = st.seller and m.buyer = st.buyer
    left join rates as r on r.period = st.period and r.currency = st.functional_currency
    cross join profit_rule as pr
    group by all
),

profit_adjustments as (
    select period, rule_id, inventory_account as account_code, -amount as closing from unrealised_profit
    union all
    select period, rule_id, cost_account, amount from unrealised_profit
),

{# ---- one shape: closing, opening of year, period and year-to-date movement ---------------- #}

closing_adjustments as (
    -- balance and profit adjustments are snapshots; revenue and cost accumulate from movements
    select period, rule_id, account_code, amount as closing_balance, cast(null as decimal(38, 2)) as movement
    from balance_adjustments
    where not is_opening
    union all
    select period, rule_id, account_code, closing, null from profit_adjustments
    union all
    select period, rule_id, account_code, null, movement from revenue_movements
),

adjustment_keys as (
    select distinct rule_id, account_code from closing_adjustments
    union
    select distinct rule_id, account_code from balance_adjustments
),

grid as (
    select p.period, p.period_index, k.rule_id, k.account_code
    from periods as p
    cross join adjustment_keys as k
),

snapshots as (
    select g.period, g.period_index, g.rule_id, g.account_code,
        coalesce(sum(a.closing_balance), 0) as snapshot_balance,
        coalesce(sum(a.movement), 0) as accumulated_movement,
        bool_or(a.closing_balance is not null) or bool_or(a.movement is not null) as has_adjustment
    from grid as g
    left join closing_adjustments as a
        on a.period = g.period and a.rule_id = g.rule_id and a.account_code = g.account_code
    group by all
),

closings as (
    select period, period_index, rule_id, account_code,
        snapshot_balance + sum(accumulated_movement) over (
            partition by rule_id, account_code order by period
            rows between unbounded preceding and current row
        ) as closing_balance
    from snapshots
),

with_previous as (
    select c.period, c.rule_id, c.account_code, c.closing_balance,
        -- the first period of the books follows the opening snapshot (balances brought forward)
        coalesce(
            lag(c.closing_balance) over (partition by c.rule_id, c.account_code order by c.period),
            o.amount, 0
        ) as previous_closing
    from closings as c
    left join (
        select period, rule_id, account_code, sum(amount) as amount
        from balance_adjustments where is_opening group by all
    ) as o on o.period = c.period and o.rule_id = c.rule_id and o.account_code = c.account_code
),

with_openings as (
    select *,
        first_value(previous_closing) over (
            partition by rule_id, account_code, left(period, 4) order by period
        ) as year_opening_balance
    from with_previous
)

select
    w.period,
    r.elimination as entry_kind,
    w.rule_id,
    w.account_code,
    '{{ var("group_currency") }}' as currency,
    {{ money('w.closing_balance') }} as closing_balance,
    {{ money('w.year_opening_balance') }} as year_opening_balance,
    {{ money('w.closing_balance - w.previous_closing') }} as movement,
    {{ money('w.closing_balance - w.year_opening_balance') }} as ytd_movement
from with_openings as w
join (select distinct rule_id, elimination from rules) as r on r.rule_id = w.rule_id
where w.closing_balance <> 0 or w.year_opening_balance <> 0 or w.previous_closing <> 0
