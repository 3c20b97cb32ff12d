{#- The originating business documents of each source system whose version history
    governance.late_and_retroactive_changes reads: which column is the business date, when a
    record counts as completed, where its creation time and soft delete are, and which columns
    are its booked content. Per-source knowledge, like a staging model: onboarding a system
    means adding its documents here, and the governance model stays system-agnostic.
    Expressions are DuckDB SQL over the raw zone's columns. -#}
{% macro history_documents() %}
{%- set documents = [
    {
        'source': 'crm', 'entity': 'opportunities',
        'business_date': "case when lower(cast(stage as varchar)) in ('closed_won', 'closed_lost') then cast(expected_close_date as date) end",
        'completed': "lower(cast(stage as varchar)) in ('closed_won', 'closed_lost')",
        'created': 'try_cast(created_at as timestamp)',
        'deleted': 'deleted_at is not null',
        'content': ['account_id', 'name', 'stage', 'amount', 'currency', 'expected_close_date', 'owner_id'],
    },
    {
        'source': 'erp', 'entity': 'sales_orders',
        'business_date': 'cast(order_date as date)',
        'completed': "upper(cast(order_status as varchar)) <> 'OPEN'",
        'created': 'cast(null as timestamp)',
        'deleted': 'false',
        'content': ['company_code', 'customer_no', 'order_date', 'requested_date', 'currency', 'net_amount', 'tax_amount', 'gross_amount', 'sales_rep_user'],
    },
    {
        'source': 'erp', 'entity': 'purchase_orders',
        'business_date': 'cast(po_date as date)',
        'completed': "upper(cast(po_status as varchar)) <> 'OPEN'",
        'created': 'cast(null as timestamp)',
        'deleted': 'false',
        'content': ['company_code', 'vendor_no', 'req_no', 'po_date', 'currency', 'net_amount', 'tax_amount', 'gross_amount', 'buyer_user'],
    },
    {
        'source': 'erp2', 'entity': 'sales_invoices',
        'business_date': 'cast(doc_date as date)',
        'completed': 'true',
        'created': 'cast(null as timestamp)',
        'deleted': 'false',
        'content': ['bp_id', 'doc_date', 'due_date', 'currency', 'fx_rate', 'net_total', 'gst_total', 'doc_total'],
    },
    {
        'source': 'erp2', 'entity': 'purchase_invoices',
        'business_date': 'cast(doc_date as date)',
        'completed': 'true',
        'created': 'cast(null as timestamp)',
        'deleted': 'false',
        'content': ['bp_id', 'supplier_ref', 'doc_date', 'due_date', 'currency', 'fx_rate', 'net_total', 'gst_total', 'doc_total'],
    },
] %}
{{ return(documents) }}
{% endmacro %}
