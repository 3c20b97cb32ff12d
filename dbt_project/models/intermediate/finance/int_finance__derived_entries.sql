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
    select account_role, resolver_level, match_key, account_code, coalesce(is_exact, true) as is_exact
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

candidates as (
    -- every level of the leg's chain that has an account, with its position in the chain
    select
        l.document_type,
        l.document_line_key,
        l.rule_id,
        l.leg_no,
        l.amount_basis,
        d.resolver_level,
        d.account_code,
        d.is_exact,
        list_position(l.resolver_chain, d.resolver_level) as priority
    from legs as l
    join determination as d
        on d.account_role = l.account_role
        and list_contains(l.resolver_chain, d.resolver_level)
        and (
            (d.resolver_level = 'product' and d.match_key = l.product_code)
            or (d.resolver_level = 'category' and d.match_key = l.product_category)
            or (d.resolver_level = 'party' and d.match_key = l.party_code)
            or (d.resolver_level = 'cost_centre' and d.match_key = l.cost_centre_code)
            or (d.resolver_level = 'entity' and d.match_key = l.legal_entity_code)
            or (d.resolver_level = 'default' and d.match_key = '*')
        )
    union all
    -- an account written on the document line itself wins when the chain starts with `line`
    select
        l.document_type,
        l.document_line_key,
        l.rule_id,
        l.leg_no,
        l.amount_basis,
        'line' as resolver_level,
        l.line_account_code as account_code,
        true as is_exact,
        list_position(l.resolver_chain, 'line') as priority
    from legs as l
    where l.line_account_code is not null and list_contains(l.resolver_chain, 'line')
),

resolved as (
    -- the first level of the chain that has an account. An aggregate, not a window over every
    -- candidate: at scale 10 (9 M legs) the window did not fit dbt's memory cap inside the
    -- model's transaction (docs/decisions/bounded-memory.md). One candidate per priority: a
    -- level appears once in a chain and account_determination is unique per role, level, key.
    select
        document_type, document_line_key, rule_id, leg_no, amount_basis,
        first_pick.resolver_level,
        first_pick.account_code,
        first_pick.is_exact
    from (
        select
            document_type, document_line_key, rule_id, leg_no, amount_basis,
            arg_min(
                {'resolver_level': resolver_level, 'account_code': account_code, 'is_exact': is_exact},
                priority
            ) as first_pick
        from candidates
        group by document_type, document_line_key, rule_id, leg_no, amount_basis
    )
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
    r.account_code,
    r.resolver_level,
    coalesce(r.is_exact, true) as is_account_exact,
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
from legs as l
left join resolved as r
    on r.document_type = l.document_type
    and r.document_line_key = l.document_line_key
    and r.rule_id = l.rule_id
    and r.leg_no = l.leg_no
    and r.amount_basis = l.amount_basis
