{#- A debit-positive amount sums to zero within each group (e.g. entity × period of a trial balance). -#}
{% test nets_to_zero(model, group_by, amount_column) %}
select {{ group_by | join(', ') }}, sum({{ amount_column }}) as net_amount
from {{ model }}
group by {{ group_by | join(', ') }}
having sum({{ amount_column }}) <> 0
{% endtest %}
