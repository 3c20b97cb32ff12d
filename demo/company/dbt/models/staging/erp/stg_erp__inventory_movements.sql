with source as (
    {{ yecai.raw_latest('erp', 'inventory_movements') }}
)

select
    cast(movement_no as varchar) as movement_no,
    cast(company_code as varchar) as company_code,
    cast(movement_date as date) as movement_date,
    cast(movement_type as varchar) as movement_type_code,
    -- The ERP's movement type codes, decoded.
    case cast(movement_type as varchar)
        when '101' then 'receipt'
        when '601' then 'issue'
        when '701' then 'adjustment'
        else 'other'
    end as movement_type,
    cast(material_no as varchar) as material_no,
    cast(warehouse_code as varchar) as warehouse_code,
    cast(quantity as decimal(18, 4)) as quantity,
    cast(unit_cost as decimal(18, 2)) as unit_cost,
    cast(amount as decimal(18, 2)) as amount,
    nullif(cast(ref_doc_type as varchar), '') as ref_doc_type,
    nullif(cast(ref_doc_no as varchar), '') as ref_doc_no,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
