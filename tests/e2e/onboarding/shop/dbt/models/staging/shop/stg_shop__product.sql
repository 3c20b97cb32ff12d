-- product: the shop's catalogue (costs and prices in its entity's currency).
select
    sku as product_source_code,
    title as product_name,
    category as product_category,
    cast(null as varchar) as unit_of_measure,
    unit_cost as standard_cost,
    cast(null as varchar) as standard_cost_currency,
    price as list_price,
    cast(null as varchar) as list_price_currency,
    true as is_active,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_shop__products') }}
