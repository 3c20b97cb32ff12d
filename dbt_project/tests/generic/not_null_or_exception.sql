{#-
  A column may be null only when governance.master_data_exceptions explains why: a null unified
  code or converted amount must be visible to the governance team, never silent. Fails with each
  row whose column is null and that has no exception row of `rule` for the same source record
  (matched on source_system and `code_column`, by default the row's source_document_id).
-#}
{% test not_null_or_exception(model, column_name, rule, code_column='source_document_id') %}
select rows_.*
from {{ model }} as rows_
where rows_.{{ column_name }} is null
  and not exists (
    select 1
    from {{ ref('master_data_exceptions') }} as exceptions
    where exceptions.rule = '{{ rule }}'
      and exceptions.source_system = rows_.source_system
      and exceptions.code = rows_.{{ code_column }}
  )
{% endtest %}
