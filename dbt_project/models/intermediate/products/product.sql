-- Products from each ERP's material master, one row per source record. The ERP's material
-- group is kept as the product category; master.product_crosswalk maps it onto the group's
-- categories (seed product_category_map).
with erp_products as (
    select
        material_no as product_source_code,
        material_name as product_name,
        material_group as product_category,
        unit_of_measure,
        cast(null as varchar) as legal_entity_code,
        standard_cost,
        '{{ var("group_currency") }}' as standard_cost_currency,
        list_price,
        '{{ var("group_currency") }}' as list_price_currency,
        true as is_active,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp__products') }}
),

erp2_items as (
    select
        item_code as product_source_code,
        item_desc as product_name,
        item_group as product_category,
        cast(null as varchar) as unit_of_measure,
        'E03' as legal_entity_code,
        unit_cost as standard_cost,
        'SGD' as standard_cost_currency,
        unit_price as list_price,
        'SGD' as list_price_currency,
        true as is_active,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp2__items') }}
),

all_products as (
    select * from erp_products
    union all
    select * from erp2_items
)

select
    {{ canonical_key('product_source_code') }} as product_key,
    product_source_code,
    product_name,
    product_category,
    unit_of_measure,
    legal_entity_code,
    standard_cost,
    standard_cost_currency,
    list_price,
    list_price_currency,
    is_active,
    source_system,
    source_document_id,
    batch_id
from all_products
