-- product (standard interface): SimpleBooks' items. Cost and price are in the entity's
-- functional currency, which yecai fills in from the source's one legal entity (sources.yml)
-- and seed legal_entity_map.
select
    item_code as product_source_code,
    item_desc as product_name,
    item_group as product_category,
    cast(null as varchar) as unit_of_measure,
    unit_cost as standard_cost,
    cast(null as varchar) as standard_cost_currency,
    unit_price as list_price,
    cast(null as varchar) as list_price_currency,
    true as is_active,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp2__items') }}
