{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ increment_scope(derived_entries_increment()) }}",
            "{{ increment_record_batches(derived_entries_increment()) }}",
            "{{ increment_delete_scope(derived_entries_increment()) }}",
        ],
        post_hook=["{{ increment_snapshot_dimensions(derived_entries_increment()) }}"]
    )
}}
{#- What finance should see (业务财务化): each document amount × the posting rule legs for its
    document type, each leg's account resolved through its fallback chain. A leg whose chain
    finds no account keeps a null account_code and is listed in
    governance.reconciliation_exceptions; no account is ever guessed.

    Incremental by document (macros/incremental/finance_increment.sql): a daily run rewrites
    the documents whose posting basis rows differ from the last run's, and drops those gone;
    a change to the posting rules or account determination rebuilds everything. The result
    equals a full build. -#}

{#- account_determination's levels (seeds/finance/_finance__seeds.yml), each with the leg's key
    it matches; `line` is the account on the document line itself -#}
{%- set resolver_levels = {
    'product': 'l.product_code',
    'category': 'l.product_category',
    'party': 'l.party_code',
    'cost_centre': 'l.cost_centre_code',
    'entity': 'l.legal_entity_code',
    'default': "'*'",
} %}

with basis as (
    select * from {{ ref('int_finance__posting_basis') }}
    {%- if is_incremental() %}
    where {{ in_increment_scope(posting_basis_group()) }}
    {%- endif %}
),

rules as (
    select
        rule_id,
        document_type,
        leg_no,
        side,
        account_role,
        string_split(account_resolver, '>') as resolver_chain,
        amount_basis,
        dimensions,
        ledger
    from {{ ref('posting_rules') }}
    where condition = 'always'
),

determination as (
    select
        account_role,
        resolver_level,
        match_key,
        {
            'resolver_level': resolver_level,
            'account_code': account_code,
            'is_exact': coalesce(is_exact, true)
        } as found
    from {{ ref('account_determination') }}
),

legs as (
    select
        b.*,
        r.rule_id,
        r.leg_no,
        r.side,
        r.account_role,
        r.resolver_chain,
        r.ledger,
        r.dimensions
    from basis as b
    join rules as r
        on r.document_type = b.document_type
        and r.amount_basis = b.amount_basis
    -- a zero amount (no tax on an exempt invoice) posts nothing; a null amount is kept and
    -- flagged by the exception model, never dropped
    where b.amount_functional is null or b.amount_functional <> 0
),

resolved as (
    -- Each leg's account: for every level of the chain, the account_determination row of the
    -- leg's role and key at that level (one left join per level: account_determination is
    -- small and unique per role, level and key), then the first level in chain order that has
    -- one. The legs stream through these joins and nothing of their size is held in memory: at
    -- scale 10 (9 M legs) a join of every candidate, then an aggregate and a join back, did not
    -- fit dbt's memory cap (docs/decisions/bounded-memory.md).
    select
        l.*,
        list_filter(
            list_transform(
                l.resolver_chain,
                lambda level: case level
                    when 'line' then
                        case when l.line_account_code is not null then
                            {'resolver_level': 'line', 'account_code': l.line_account_code, 'is_exact': true}
                        end
                    {%- for level in resolver_levels %}
                    when '{{ level }}' then by_{{ level }}.found
                    {%- endfor %}
                end
            ),
            lambda found: found is not null
        )[1] as first_found
    from legs as l
    {%- for level, key in resolver_levels.items() %}
    left join determination as by_{{ level }}
        on by_{{ level }}.account_role = l.account_role
        and by_{{ level }}.resolver_level = '{{ level }}'
        and by_{{ level }}.match_key = {{ key }}
    {%- endfor %}
)

select
    l.document_type || ':' || l.document_line_key || ':' || l.rule_id || ':' || cast(l.leg_no as varchar)
        as derived_entry_id,
    l.rule_id,
    l.leg_no,
    l.ledger,
    l.document_type,
    l.document_key,
    l.document_line_key,
    l.document_number,
    l.legal_entity_code as entity_code,
    l.document_date,
    l.period,
    l.due_date,
    l.party_code,
    l.product_code,
    l.cost_centre_code,
    l.account_role,
    l.first_found.account_code as account_code,
    l.first_found.resolver_level as resolver_level,
    coalesce(l.first_found.is_exact, true) as is_account_exact,
    l.side,
    l.amount_basis,
    -- a negative amount (an exchange gain where the rule expects a loss) posts on the other side
    {{ money("greatest(" ~ signed_by_side('l.side', 'l.amount_functional') ~ ", 0)") }} as debit,
    {{ money("greatest(-(" ~ signed_by_side('l.side', 'l.amount_functional') ~ "), 0)") }} as credit,
    {{ money(signed_by_side('l.side', 'l.amount_functional')) }} as amount_functional,
    l.functional_currency,
    l.transaction_currency,
    {{ money(signed_by_side('l.side', 'l.amount_transaction')) }} as amount_transaction,
    l.source_system,
    l.source_document_id,
    l.batch_id
from resolved as l
