{#- Inventory valuation (存货余额) at each period end by entity, product and warehouse: quantity
    and value on hand from the signed inventory movements, and the period's receipts and
    issues. Functional currency. Its total per entity and period is the inventory subledger
    compared with the 14xx control accounts in governance.reconciliation_exceptions. -#}

with movements as (
    select
        legal_entity_code as entity_code,
        {{ fiscal_period('movement_date') }} as period,
        product_code,
        warehouse_code,
        quantity,
        amount_functional
    from {{ ref('inventory_movement') }}
),

periods as (
    select distinct entity_code, period from {{ ref('trial_balance') }}
),

keys as (
    select entity_code, product_code, warehouse_code, min(period) as first_period
    from movements
    group by 1, 2, 3
),

period_movements as (
    select entity_code, period, product_code, warehouse_code,
        sum(quantity) as quantity,
        sum(amount_functional) filter (where amount_functional > 0) as received_value,
        -sum(amount_functional) filter (where amount_functional < 0) as issued_value,
        sum(amount_functional) as net_value
    from movements
    group by 1, 2, 3, 4
),

grid as (
    select p.entity_code, p.period, k.product_code, k.warehouse_code
    from periods as p
    join keys as k on k.entity_code = p.entity_code and p.period >= k.first_period
)

select
    g.entity_code,
    g.period,
    g.product_code,
    g.warehouse_code,
    cast(sum(coalesce(m.quantity, 0)) over w as decimal(18, 4)) as quantity_on_hand,
    {{ money('coalesce(m.received_value, 0)') }} as received_value,
    {{ money('coalesce(m.issued_value, 0)') }} as issued_value,
    {{ money('sum(coalesce(m.net_value, 0)) over w') }} as value_on_hand
from grid as g
left join period_movements as m
    on m.entity_code = g.entity_code and m.period = g.period
    and m.product_code is not distinct from g.product_code
    and m.warehouse_code is not distinct from g.warehouse_code
window w as (
    partition by g.entity_code, g.product_code, g.warehouse_code order by g.period
    rows between unbounded preceding and current row
)
