-- For an entity whose functional currency is the group currency, converting to the group
-- currency must change nothing: every group amount equals its functional amount. Fails with
-- each document or ledger line where it does not.
{%- set checks = [
    ('customer_invoice', 'gross_amount'),
    ('supplier_invoice', 'gross_amount'),
    ('receipt', 'amount'),
    ('payment', 'amount'),
    ('journal_line', 'debit_amount'),
    ('journal_line', 'credit_amount'),
    ('payroll', 'gross_pay'),
] %}
{%- for model, amount in checks %}
select '{{ model }}' as model, source_system, source_document_id,
    {{ amount }}_functional as functional_amount, {{ amount }}_group as group_amount
from {{ ref(model) }}
where functional_currency = '{{ var("group_currency") }}'
  and {{ amount }}_functional is distinct from {{ amount }}_group
{{ 'union all' if not loop.last }}
{%- endfor %}
