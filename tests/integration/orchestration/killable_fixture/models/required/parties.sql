{{ config(schema='master') }}
select 'p' as unified_code, 'n' as name, cast(null as varchar) as unified_social_credit_code where false
