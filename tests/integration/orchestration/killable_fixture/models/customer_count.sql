select count(*) as customers from {{ ref('customer_names') }}
