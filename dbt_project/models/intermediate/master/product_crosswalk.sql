-- (source_system, product code) → unified product code, plus the group product category.
-- The system of record for products (seed master_data_rules, domain product) holds the group's
-- product master: its code is the unified code. A product of another source maps, in order,
-- through seed product_code_map (the governance team's decision), else to the system-of-record
-- product with the same name; when several share that name, to the one whose standard cost is
-- closest to the product's own standard cost converted to the group currency at the latest rate
-- (the same item costs the same wherever it is kept). A product neither maps gets a new unified
-- code when the rules say `mint` for its source (mint_prefix + its own code), else stays
-- unmapped (null) and is reported as `unmapped_code`.
-- The local category maps onto the group categories through seed product_category_map; an
-- unmapped category is reported as `unmapped_code` too (the product keeps its unified code).
with rules as (
    select source_system, coalesce(is_system_of_record, false) as is_system_of_record, on_no_match, mint_prefix
    from {{ ref('master_data_rules') }}
    where domain = 'product'
),

products as (
    select
        product.*,
        coalesce(rules.is_system_of_record, false) as is_system_of_record,
        {{ minted_code('rules', 'product.source_system', 'product.product_source_code') }} as minted_code
    from {{ ref('product') }} as product
    left join rules on rules.source_system = product.source_system
),

code_map as (
    select * from {{ ref('product_code_map') }}
),

category_map as (
    select * from {{ ref('product_category_map') }}
),

latest_rates as (
    select currency, rate
    from {{ ref('int_exchange_rate_ranges') }}
    where valid_to = cast('9999-12-31' as date)
),

name_candidates as (
    select
        other.product_key,
        master.product_source_code as candidate_code,
        count(*) over (partition by other.product_key) as candidate_count,
        row_number() over (
            partition by other.product_key
            order by abs(master.standard_cost - other.standard_cost * coalesce(rates.rate, 1)),
                master.product_source_code
        ) as closeness_rank
    from products as other
    inner join products as master
        on master.is_system_of_record
        and master.product_name = other.product_name
    left join latest_rates as rates
        on rates.currency = other.standard_cost_currency
    where not other.is_system_of_record
),

master_names as (
    select product_key, candidate_code as product_source_code, candidate_count
    from name_candidates
    where closeness_rank = 1
)

select
    products.product_key,
    products.source_system,
    products.product_source_code,
    products.product_name,
    case
        when products.is_system_of_record then products.product_source_code
        when code_map.unified_product_code is not null then code_map.unified_product_code
        when master_names.product_source_code is not null then master_names.product_source_code
        else products.minted_code
    end as unified_product_code,
    case
        when products.is_system_of_record then 'system_of_record'
        when code_map.unified_product_code is not null then 'code_mapping'
        when master_names.candidate_count = 1 then 'name'
        when master_names.product_source_code is not null then 'name_and_cost'
        when products.minted_code is not null then 'minted'
        else 'unmapped'
    end as match_method,
    products.product_category as source_category_code,
    category_map.group_category_code,
    category_map.group_category_name,
    products.batch_id
from products
left join code_map
    on code_map.source_system = products.source_system
    and code_map.product_source_code = products.product_source_code
left join category_map
    on category_map.source_system = products.source_system
    and category_map.source_category_code = products.product_category
left join master_names
    on master_names.product_key = products.product_key
