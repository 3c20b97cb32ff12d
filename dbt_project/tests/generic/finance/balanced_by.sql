{#- Debits equal credits within each group (a voucher, a document): returns the groups that do not. -#}
{% test balanced_by(model, group_by, debit_column, credit_column) %}
select {{ group_by | join(', ') }},
       sum({{ debit_column }}) as total_debit,
       sum({{ credit_column }}) as total_credit
from {{ model }}
group by {{ group_by | join(', ') }}
having sum({{ debit_column }}) <> sum({{ credit_column }})
{% endtest %}
