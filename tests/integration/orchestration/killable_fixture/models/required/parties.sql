{{ config(schema='master') }}
select 'p' as unified_code, 'n' as name where false
