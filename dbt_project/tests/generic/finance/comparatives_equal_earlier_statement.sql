{#- Each comparative equals the figure the earlier statement printed on the same line (and
    column): `earlier` is last_december (the balance sheet's 上年年末余额) or
    same_period_last_year (上年同期). Where the earlier statement is not in the model, the
    comparative of a same-period statement must be blank; the balance sheet's may come from
    balances brought forward (tested against the trial balance separately). -#}
{% test comparatives_equal_earlier_statement(model, earlier, cell_columns=[]) %}
with statement as (
    select entity_code, period, line_code, {% for c in cell_columns %}{{ c }}, {% endfor %}amount, comparative_amount
    from {{ model }}
),

pairs as (
    select s.entity_code, s.period, s.line_code, {% for c in cell_columns %}s.{{ c }}, {% endfor %}
        s.comparative_amount, e.period as earlier_period, e.amount as earlier_amount
    from statement as s
    left join statement as e
        on e.entity_code = s.entity_code and e.line_code = s.line_code
        {% for c in cell_columns %}and e.{{ c }} = s.{{ c }} {% endfor %}
        {%- if earlier == 'last_december' %}
        and e.period = {{ last_december('s.period') }}
        {%- else %}
        and e.period = {{ same_period_last_year('s.period') }}
        {%- endif %}
)

select *
from pairs
where (earlier_period is not null and comparative_amount is distinct from earlier_amount)
    {%- if earlier == 'same_period_last_year' %}
   or (earlier_period is null and comparative_amount is not null)
    {%- endif %}
{% endtest %}
