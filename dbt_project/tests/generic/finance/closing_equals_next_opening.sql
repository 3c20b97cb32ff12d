{#- Continuity of balances: the closing of one period is the opening of the next, per key. -#}
{% test closing_equals_next_opening(model, partition_by, period_column, opening_column, closing_column) %}
with ordered as (
    select {{ partition_by | join(', ') }},
           {{ period_column }} as period,
           {{ opening_column }} as opening_amount,
           lag({{ closing_column }}) over (
               partition by {{ partition_by | join(', ') }} order by {{ period_column }}
           ) as previous_closing
    from {{ model }}
)
select *
from ordered
where previous_closing is not null
  and opening_amount <> previous_closing
{% endtest %}
