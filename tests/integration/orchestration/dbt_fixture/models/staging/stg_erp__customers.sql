select * from {{ source('erp', 'customers') }}
