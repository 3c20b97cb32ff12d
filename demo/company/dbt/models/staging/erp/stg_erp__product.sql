-- product (standard interface): the group ERP's material master. Costs and prices are in CNY.
-- The material group is the product category (seed product_category_map maps it).
select
    material_no as product_source_code,
    material_name as product_name,
    material_group as product_category,
    unit_of_measure,
    standard_cost,
    'CNY' as standard_cost_currency,
    list_price,
    'CNY' as list_price_currency,
    true as is_active,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__products') }}
