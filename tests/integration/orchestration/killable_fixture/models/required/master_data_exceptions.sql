{{ config(schema='governance') }}
select
    's' as source_system, 'e' as entity, 'c' as code, 'k' as kind, 'r' as reason,
    'o' as owner, current_date as first_seen
where false
