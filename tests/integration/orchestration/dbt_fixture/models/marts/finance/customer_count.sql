select count(*) as customers from {{ ref('stg_erp__customers') }}
