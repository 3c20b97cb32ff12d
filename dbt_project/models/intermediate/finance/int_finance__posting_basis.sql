{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(posting_basis_increment()) }}",
            "{{ increment_record_batches(posting_basis_increment()) }}",
            "{{ increment_delete_scope(posting_basis_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(posting_basis_increment()) }}"]
    )
}}
{#- Every business document that finance should see, with the amounts posting rules can post,
    one row per document (line) × amount basis. Cancelled and draft documents post nothing.
    The rows are built in macros/finance/posting_basis_rows.sql.

    Incremental by document (macros/incremental/finance_increment.sql): a daily run hashes each
    document's rows and rewrites only the documents whose hash differs from the last run's (new,
    changed, or changed through a product, party or the invoice a receipt or payment clears),
    and drops those gone; the result equals a full build. -#}

select * from ({{ posting_basis_rows() }}) as basis
{%- if is_incremental() %}
where {{ in_increment_scope(posting_basis_group()) }}
{%- endif %}
