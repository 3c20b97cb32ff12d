{#- The raw zone's metadata, renamed the way every staging and canonical model carries it. -#}
{% macro raw_trace_columns(alias='source') -%}
cast({{ alias }}._source_system as varchar) as source_system,
        cast({{ alias }}._source_pk as varchar) as source_document_id,
        cast({{ alias }}._batch_id as varchar) as batch_id,
        cast({{ alias }}._extracted_at as timestamp) as extracted_at,
        cast({{ alias }}._first_extracted_at as timestamp) as first_seen_at
{%- endmacro %}
