-- employee_link (standard interface): the ERP user and CRM account HR records for each employee,
-- from every monthly snapshot (yecai keeps the latest snapshot that names a link).
select
    employee_id as employee_source_code,
    'erp' as linked_source_system,
    erp_user_id as linked_source_code,
    period,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_hr__employees') }}
where erp_user_id is not null

union all

select
    employee_id as employee_source_code,
    'crm' as linked_source_system,
    crm_owner_id as linked_source_code,
    period,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_hr__employees') }}
where crm_owner_id is not null
