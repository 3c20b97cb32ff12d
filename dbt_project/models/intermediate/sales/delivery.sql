{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(delivery_increment()) }}",
            "{{ increment_record_batches(delivery_increment()) }}",
            "{{ increment_delete_scope(delivery_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(delivery_increment()) }}"]
    )
}}
{#- Incremental by delivery (macros/incremental/replace_changed_groups.sql): a daily run rewrites
    the deliveries with a newer raw batch or whose looked-up codes and rates changed, and drops
    those deleted at the source; the result equals a full build. -#}
-- Deliveries, one row per delivered line. The ERP values a delivery at standard cost in the
-- entity's functional currency, so the cost amount's transaction currency is the functional one.
with all_lines as (
    select * from {{ ref('conformed_delivery') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope("source_system || ':' || source_delivery_id") }}
    {%- endif %}
),

doc as (
    select
        all_lines.*,
        {{ legal_entity_columns('all_lines', 'company_code') }},
        coalesce(legal_entity.functional_currency, '{{ var("group_currency") }}') as transaction_currency
    from all_lines
    {{ legal_entity_join('all_lines', 'company_code') }}
)

select
    {{ canonical_key('doc.source_line_id', 'doc') }} as delivery_line_key,
    {{ canonical_key('doc.source_delivery_id', 'doc') }} as delivery_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.delivery_date,
    case when doc.source_order_id is not null then {{ canonical_key('doc.source_order_id', 'doc') }} end
        as sales_order_key,
    case when doc.source_order_line_id is not null then {{ canonical_key('doc.source_order_line_id', 'doc') }} end
        as sales_order_line_key,
    customer.unified_party_code as party_code,
    doc.party_source_code,
    product.unified_product_code as product_code,
    doc.product_source_code,
    doc.warehouse_code,
    doc.quantity,
    doc.transaction_currency,
    doc.cost_amount,
    doc.functional_currency,
    {{ group_currency_columns(['cost_amount'], 'delivery_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('customer', 'doc', 'party_source_code') }}
{{ product_join('product', 'doc', 'product_source_code') }}
{{ group_currency_joins('delivery_date') }}
