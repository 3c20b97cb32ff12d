{#- What the whole-history finance models rebuild in a daily increment
    (replace_changed_groups.sql). They read other models, not the raw zone, so they name no raw
    inputs: each scopes by content (content_dimension()), a document group is rebuilt when what
    it is built from hashes differently from the last run, and a group that disappeared is
    deleted. Lookups every row depends on (seeds, vars) are whole-table dimensions: a change
    rebuilds everything. -#}

{#- A seed (or any small relation) as one dimension row: any change rebuilds every group. -#}
{% macro table_dimension(name, relation) -%}
{{ return({
    'name': name,
    'sql': "select 'all' as k, cast(sum(hash(t)) as varchar) || '/' || cast(count(*) as varchar) as v from " ~ relation ~ " as t",
    'target_key': none,
}) }}
{%- endmacro %}

{#- Vars a model's rows depend on, rendered now: a changed value rebuilds every group. -#}
{% macro vars_dimension(values) -%}
{{ return({
    'name': 'vars',
    'sql': "select 'all' as k, " ~ ("'" ~ (values | tojson | replace("'", "''")) ~ "'") ~ " as v",
    'target_key': none,
}) }}
{%- endmacro %}

{#- Per document (`<document type>:<document key>`): its rows as posting_basis_rows() builds them
    from the canonical documents, products and parties, hashed. The scope is computed from the
    same query the model inserts from, so a group is rewritten exactly when its rows differ. -#}
{% macro posting_basis_group() -%}document_type || ':' || document_key{%- endmacro %}

{% macro posting_basis_increment() -%}
{{ return({'group_key': posting_basis_group(), 'inputs': [], 'dimensions': [
    content_dimension('documents', posting_basis_rows(), posting_basis_group()),
]}) }}
{%- endmacro %}

{#- Per document, like the posting basis it reads; the posting rules and account determination
    seeds apply to every document. -#}
{% macro derived_entries_increment() -%}
{{ return({'group_key': posting_basis_group(), 'inputs': [], 'dimensions': [
    content_dimension('basis', 'select * from ' ~ ref('int_finance__posting_basis'), posting_basis_group()),
    table_dimension('posting_rules', ref('posting_rules')),
    table_dimension('account_determination', ref('account_determination')),
]}) }}
{%- endmacro %}

{#- Per matched document (entity, document type, match key), from both sides: the derived
    entries and the vouchers with their lines (reconciliation_rows.sql). The seeds that decide a
    row's document type and match key are read inside those queries, so a change to them moves
    rows between groups and both groups change; the vars apply to every group. -#}
{% macro document_reconciliation_increment() -%}
{{ return({'group_key': reconciliation_group('entity_code', 'document_type', 'match_key'), 'inputs': [], 'dimensions': [
    content_dimension('derived', reconciliation_derived_rows(), 'reconciliation_group'),
    content_dimension('booked', reconciliation_booked_rows(), 'reconciliation_group'),
    vars_dimension({
        'ignored': var('reconciliation_ignored_account_prefixes', ['6603']),
        'tolerance': var('reconciliation_tolerance', 0.05),
    }),
]}) }}
{%- endmacro %}
