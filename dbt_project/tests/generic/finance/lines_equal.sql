{#- Two statement lines print the same amount for every entity and period
    (e.g. 资产总计 = 负债和所有者权益总计). -#}
{% test lines_equal(model, left_line, right_line) %}
with pivoted as (
    select entity_code, period,
           sum(case when line_code = '{{ left_line }}' then amount end) as left_amount,
           sum(case when line_code = '{{ right_line }}' then amount end) as right_amount
    from {{ model }}
    group by entity_code, period
)
select *
from pivoted
where left_amount is null or right_amount is null or left_amount <> right_amount
{% endtest %}
