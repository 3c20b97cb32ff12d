-- (source_system, party_source_code) → unified party code, for every party record.
--
-- Matching, in order (the first that applies decides):
--   1. manual override (seed party_match_overrides) — the governance team always wins;
--   2. a valid unified social credit code (GB 32100 check digit verified): same code, same company;
--   3. a record without a valid USCC whose normalised name equals the normalised name of records
--      that do have one (and only one distinct code) joins that company;
--   4. otherwise records with equal normalised names are one company.
-- An invalid USCC is treated as absent for matching (and reported as `invalid_uscc`).
-- The unified code is derived from the match key, so it is stable from run to run.
with parties as (
    select * from {{ ref('party') }}
),

overrides as (
    select * from {{ ref('party_match_overrides') }}
),

-- Normalised names that identify exactly one valid USCC.
name_to_uscc as (
    select
        party_name_normalised,
        min(unified_social_credit_code) as unified_social_credit_code
    from parties
    where uscc_is_valid
    group by party_name_normalised
    having count(distinct unified_social_credit_code) = 1
),

keyed as (
    select
        parties.*,
        case
            when parties.uscc_is_valid then 'uscc:' || parties.unified_social_credit_code
            when name_to_uscc.unified_social_credit_code is not null
                then 'uscc:' || name_to_uscc.unified_social_credit_code
            else 'name:' || parties.party_name_normalised
        end as match_key,
        case
            when parties.uscc_is_valid then 'uscc'
            when name_to_uscc.unified_social_credit_code is not null then 'name_to_uscc'
            else 'name'
        end as automatic_match_method
    from parties
    left join name_to_uscc
        on name_to_uscc.party_name_normalised = parties.party_name_normalised
)

select
    keyed.party_key,
    keyed.source_system,
    keyed.source_entity,
    keyed.party_source_code,
    coalesce(
        overrides.unified_party_code,
        'PTY-' || upper(substr({{ dbt.hash('keyed.match_key') }}, 1, 10))
    ) as unified_party_code,
    case when overrides.unified_party_code is not null then 'manual_override'
        else keyed.automatic_match_method end as match_method,
    keyed.match_key,
    keyed.party_name,
    keyed.party_name_normalised,
    keyed.unified_social_credit_code,
    keyed.uscc_is_valid,
    keyed.batch_id
from keyed
left join overrides
    on overrides.source_system = keyed.source_system
    and overrides.party_source_code = keyed.party_source_code
