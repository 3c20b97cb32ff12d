-- Organisation units as each source cuts them (document org_unit): departments (an HR-style
-- org chart) and finance cost centres. master.org_unit_crosswalk links the two. The legal
-- entity is looked up by the source's company code, else by the registered name it gives.
with units as (
    select * from {{ ref('conformed_org_unit') }}
),

entity_names as (
    select legal_entity_name, min(legal_entity_code) as legal_entity_code
    from {{ ref('legal_entity') }}
    group by legal_entity_name
)

select
    {{ canonical_key('units.org_unit_source_code', 'units') }} as org_unit_key,
    units.source_entity,
    units.org_unit_source_code,
    units.org_unit_name,
    units.org_unit_type,
    units.parent_source_code,
    coalesce(legal_entity.legal_entity_code, by_name.legal_entity_code) as legal_entity_code,
    units.manager_source_code,
    units.is_active,
    units.source_system,
    units.source_document_id,
    units.batch_id
from units
{{ legal_entity_join('units', 'company_code') }}
left join entity_names as by_name
    on by_name.legal_entity_name = units.company_name
