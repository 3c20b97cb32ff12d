{#-
  Row conservation for a mapping step: every input row is either mapped or reported in
  governance.master_data_exceptions by the rule that maps it — nothing dropped silently.

      count(input rows) = count(rows of `model` where `mapped_condition`)
                        + count(exception rows of `rule`)

  `model` is the mapping (e.g. a crosswalk), `input` the relation it maps. Fails with one row
  showing the three counts when they do not add up.
-#}
{% test rows_conserved(model, input, mapped_condition, rule) %}
with counts as (
    select
        (select count(*) from {{ input }}) as rows_in,
        (select count(*) from {{ model }} where {{ mapped_condition }}) as rows_mapped,
        (select count(*) from {{ ref('master_data_exceptions') }} where rule = '{{ rule }}') as rows_in_exceptions
)

select *
from counts
where rows_in <> rows_mapped + rows_in_exceptions
{% endtest %}
