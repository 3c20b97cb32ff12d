{#- Two statement lines print the same amount for every entity and period
    (e.g. 资产总计 = 负债和所有者权益总计), in `amount_column` (amount, or comparative_amount,
    which may be blank on both). -#}
{% test lines_equal(model, left_line, right_line, amount_column='amount') %}
with pivoted as (
    select entity_code, period,
           count(*) filter (where line_code = '{{ left_line }}') as left_rows,
           count(*) filter (where line_code = '{{ right_line }}') as right_rows,
           sum(case when line_code = '{{ left_line }}' then {{ amount_column }} end) as left_amount,
           sum(case when line_code = '{{ right_line }}' then {{ amount_column }} end) as right_amount
    from {{ model }}
    group by entity_code, period
)
select *
from pivoted
where left_rows <> 1 or right_rows <> 1 or left_amount is distinct from right_amount
{% endtest %}
