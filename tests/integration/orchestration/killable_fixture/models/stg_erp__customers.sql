{{ config(materialized='view', schema='staging') }}
select customer_id, name from {{ source('erp', 'customers') }}
