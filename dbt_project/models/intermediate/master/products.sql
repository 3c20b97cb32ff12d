-- Golden record per unified product. Survivorship: the system of record for products (seed
-- master_data_rules; the demo's group ERP material master) gives name, unit, category and
-- standard cost; other sources add their codes. A product minted under the rules is its own
-- golden record.
with crosswalk as (
    select * from {{ ref('product_crosswalk') }}
),

products as (
    select * from {{ ref('product') }}
),

master as (
    select products.*, crosswalk.unified_product_code, crosswalk.group_category_code, crosswalk.group_category_name
    from crosswalk
    inner join products on products.product_key = crosswalk.product_key
    where crosswalk.match_method in ('system_of_record', 'minted')
),

linked_ids as (
    select
        unified_product_code,
        string_agg(source_system || ':' || product_source_code, ',' order by source_system, product_source_code)
            as linked_source_ids,
        count(*) as source_record_count
    from crosswalk
    where unified_product_code is not null
    group by unified_product_code
)

select
    master.unified_product_code,
    master.product_name,
    master.group_category_code,
    master.group_category_name,
    master.product_category as source_category_code,
    master.unit_of_measure,
    master.standard_cost,
    master.standard_cost_currency,
    master.list_price,
    master.list_price_currency,
    linked_ids.linked_source_ids,
    linked_ids.source_record_count
from master
left join linked_ids on linked_ids.unified_product_code = master.unified_product_code
