-- Everything the unified coding could not map or found invalid, with its reason and owner:
-- the governance team's work list. Nothing is dropped silently: each record either maps or
-- appears here (tests rows_conserved prove it per crosswalk).
--
-- first_seen is when the offending version of the record landed in the raw zone (the time in
-- its batch id); seeds carry no batch time.
with findings as (
    select * from {{ ref('int_master_data_exceptions') }}
),

owners as (
    select distinct source_system, source_entity, owner from {{ ref('canonical_source_entities') }}
)

select
    findings.source_system,
    findings.entity,
    findings.code,
    findings.kind,
    findings.reason,
    coalesce(owners.owner, 'data-governance') as owner,
    case
        when regexp_full_match(findings.batch_id, '\d{8}T\d{12}Z-.*')
            then strptime(substr(findings.batch_id, 1, 22), '%Y%m%dT%H%M%S%fZ')
    end as first_seen,
    findings.rule,
    findings.batch_id
from findings
left join owners
    on owners.source_system = findings.source_system
    and owners.source_entity = findings.entity
