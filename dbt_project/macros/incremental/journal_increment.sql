{#- What canonical.journal_voucher and canonical.journal_line rebuild in a daily increment
    (see replace_changed_groups.sql): whole vouchers, keyed `<source_system>:<voucher no>`. A
    voucher is rebuilt when its header or any of its lines has a newer raw batch; in erp2 the
    voucher is the journal_no of flat ledger entries, and an entry can move to another journal
    (`moves`), so every journal any version of a changed entry belonged to is rebuilt. -#}
{% macro journal_inputs() -%}
{{ return([
    {'source': 'erp', 'entity': 'journal_vouchers', 'group': "_source_system || ':' || voucher_no"},
    {'source': 'erp', 'entity': 'journal_lines', 'group': "_source_system || ':' || voucher_no"},
    {'source': 'erp2', 'entity': 'gl_entries', 'group': "_source_system || ':' || journal_no", 'moves': true},
]) }}
{%- endmacro %}

{% macro journal_line_increment() -%}
{{ return({'group_key': 'journal_voucher_key', 'inputs': journal_inputs(), 'dimensions': [
    legal_entity_dimension(),
    {
        'name': 'account',
        'sql': "select source_system || ':' || account_source_code as k, concat_ws('>', source_company_code, group_account_code) as v from " ~ ref('account_crosswalk'),
        'target_key': "source_system || ':' || account_source_code",
    },
    party_dimension(),
    product_dimension(),
    rate_dimension('functional_currency'),
]}) }}
{%- endmacro %}

{#- The voucher keeps only the unified code of its author, not the ERP user it looked up. -#}
{% macro journal_voucher_increment() -%}
{{ return({'group_key': 'journal_voucher_key', 'inputs': journal_inputs(), 'dimensions': [
    legal_entity_dimension(),
    {
        'name': 'employee',
        'sql': "select employee_key as k, unified_employee_code as v from " ~ ref('employee_crosswalk'),
        'target_key': none,
    },
]}) }}
{%- endmacro %}
