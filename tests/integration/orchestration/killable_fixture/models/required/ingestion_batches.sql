{{ config(schema='governance') }}
select
    'b' as batch_id, 's' as source, 'e' as entity, 't' as started_at, 't' as finished_at,
    'succeeded' as status, 0 as rows_read, 0 as rows_landed, 0 as rows_quarantined,
    'w' as watermark
where false
