{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(inventory_movement_increment()) }}",
            "{{ increment_record_batches(inventory_movement_increment()) }}",
            "{{ increment_delete_scope(inventory_movement_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(inventory_movement_increment()) }}"]
    )
}}
{#- Incremental by movement (macros/incremental/replace_changed_groups.sql): a daily run rewrites
    the movements with a newer raw batch or whose looked-up codes and rates changed, and drops
    those deleted at the source; the result equals a full build. -#}
-- Inventory movements, signed (+ into stock), valued at standard cost in the functional currency.
with all_movements as (
    select * from {{ ref('conformed_inventory_movement') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || source_movement_id") }}
    {%- endif %}
),

doc as (
    select
        all_movements.*,
        {{ legal_entity_columns('all_movements', 'company_code') }},
        coalesce(legal_entity.functional_currency, '{{ var("group_currency") }}') as transaction_currency
    from all_movements
    {{ legal_entity_join('all_movements', 'company_code') }}
)

select
    {{ canonical_key('doc.source_movement_id', 'doc') }} as inventory_movement_key,
    doc.legal_entity_code,
    doc.movement_date,
    doc.movement_type,
    product.unified_product_code as product_code,
    doc.product_source_code,
    doc.warehouse_code,
    doc.reference_document_type,
    case when doc.reference_document_id is not null
        then {{ canonical_key('doc.reference_document_id', 'doc') }} end as reference_document_key,
    doc.quantity,
    doc.transaction_currency,
    doc.amount,
    doc.functional_currency,
    {{ group_currency_columns(['amount'], 'movement_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ product_join('product', 'doc', 'product_source_code') }}
{{ group_currency_joins('movement_date') }}
