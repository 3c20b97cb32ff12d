-- Products from every source that supplies product, one row per source record. The source's
-- category is kept as the product category; master.product_crosswalk maps it onto the group's
-- categories (seed product_category_map). A source that books for one legal entity
-- (sources.yml) gives its products that entity, and costs and prices it leaves without a
-- currency are in that entity's functional currency (seed legal_entity_map); otherwise in the
-- group currency.
with source_products as (
    select * from {{ ref('conformed_product') }}
),

registry as (
    {{ yecai_registry_relation() }}
),

entity_currencies as (
    select legal_entity_code, min(functional_currency) as functional_currency
    from {{ ref('legal_entity_map') }}
    group by legal_entity_code
),

all_products as (
    select
        source_products.*,
        registry.sole_legal_entity_code as legal_entity_code,
        coalesce(entity_currencies.functional_currency, '{{ var("group_currency") }}') as default_currency
    from source_products
    left join registry
        on registry.source_system = source_products.source_system
    left join entity_currencies
        on entity_currencies.legal_entity_code = registry.sole_legal_entity_code
)

select
    {{ canonical_key('product_source_code') }} as product_key,
    product_source_code,
    product_name,
    product_category,
    unit_of_measure,
    legal_entity_code,
    standard_cost,
    coalesce(standard_cost_currency, default_currency) as standard_cost_currency,
    list_price,
    coalesce(list_price_currency, default_currency) as list_price_currency,
    is_active,
    source_system,
    source_document_id,
    batch_id
from all_products
