{#- The raw zone's promise, checked on the batch records: rows_read = rows_landed + rows_quarantined
    for every batch. Fails with each batch that breaks it. -#}
{% test rows_read_equals_landed_plus_quarantined(model) %}
select batch_id, rows_read, rows_landed, rows_quarantined
from {{ model }}
where rows_read <> rows_landed + rows_quarantined
{% endtest %}
