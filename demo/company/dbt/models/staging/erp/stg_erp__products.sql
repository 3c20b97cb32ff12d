with source as (
    {{ yecai.raw_latest('erp', 'products') }}
)

select
    cast(material_no as varchar) as material_no,
    cast(material_name as varchar) as material_name,
    cast(material_group as varchar) as material_group,
    cast(material_group_name as varchar) as material_group_name,
    cast(uom as varchar) as unit_of_measure,
    cast(std_cost as decimal(18, 2)) as standard_cost,
    cast(list_price as decimal(18, 2)) as list_price,
    cast(vat_rate as decimal(18, 8)) as vat_rate,
    cast(is_service as integer) = 1 as is_service,
    cast(created_on as date) as created_on,
    cast(updated_at as timestamp) as updated_at,
    {{ yecai.raw_trace_columns() }}
from source
