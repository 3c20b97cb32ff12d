{#- Turn one wide document CTE into long rows (one per amount basis), so posting rules can
    pick an amount by name (posting_rules.amount_basis) instead of by SQL expression.
    `bases` maps basis name → (transaction amount column, functional amount column). -#}
{% macro unpivot_amount_bases(cte_name, bases) -%}
    {%- for basis, columns in bases.items() %}
    select
        document_type,
        document_key,
        document_line_key,
        document_number,
        legal_entity_code,
        document_date,
        due_date,
        party_code,
        product_code,
        product_category,
        cost_centre_code,
        line_account_code,
        '{{ basis }}' as amount_basis,
        transaction_currency,
        functional_currency,
        {{ money(columns[0]) }} as amount_transaction,
        {{ money(columns[1]) }} as amount_functional,
        source_system,
        source_document_id,
        batch_id
    from {{ cte_name }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
