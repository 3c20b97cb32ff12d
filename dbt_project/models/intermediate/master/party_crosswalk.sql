-- (source_system, party_source_code) → unified party code, for every party record.
--
-- Matching, in order (the first that applies decides):
--   1. manual override (seed party_match_overrides) — the governance team always wins;
--   2. a valid unified social credit code (GB 32100 check digit verified): same code, same company;
--   3. a record without a valid USCC spelled exactly like records that have one (and only one
--      distinct code) joins that company ("exact_name_to_uscc");
--   4. otherwise, a record whose normalised name and legal form equal those of records with a
--      valid USCC joins that company, when they carry only one distinct code ("name_to_uscc");
--   5. when they carry several codes (or the record's own invalid code is not a typo of the one
--      code), the normalised name is ambiguous: the record matches no company with a USCC and is
--      grouped only with records spelled exactly like it ("spelling");
--   6. records whose normalised name no valid USCC carries are one company per normalised name
--      and legal form ("name").
-- "Spelled exactly" ignores typing habits only (width, case, spaces), not the legal form: 有限公司
-- and 有限责任公司 normalise equal, yet two registered companies can differ by just that. A
-- 股份(有限)公司 (company limited by shares) is never the same company as a 有限(责任)公司.
-- An invalid USCC is treated as absent for matching (and reported as `invalid_uscc`), except that
-- a code more than two characters away from a candidate's code says it is another company (a
-- typo changes one character and, with it, the check digit).
-- The unified code is derived from the match key, so it is stable from run to run.
with parties as (
    select
        *,
        regexp_replace(lower({{ fullwidth_to_halfwidth('party_name') }}), '\s+', '', 'g')
            as party_name_spelling,
        coalesce(contains(party_name, '股份'), false) as is_joint_stock
    from {{ ref('party') }}
),

overrides as (
    select * from {{ ref('party_match_overrides') }}
),

with_valid_uscc as (
    select * from parties where uscc_is_valid
),

-- Exact spellings that identify exactly one valid USCC.
spelling_to_uscc as (
    select party_name_spelling, min(unified_social_credit_code) as unified_social_credit_code
    from with_valid_uscc
    group by party_name_spelling
    having count(distinct unified_social_credit_code) = 1
),

-- Normalised names (per legal form) carried by valid USCCs, and how many distinct codes.
name_to_uscc as (
    select
        party_name_normalised,
        is_joint_stock,
        count(distinct unified_social_credit_code) as uscc_count,
        min(unified_social_credit_code) as unified_social_credit_code
    from with_valid_uscc
    group by party_name_normalised, is_joint_stock
),

candidates as (
    select
        parties.*,
        spelled.unified_social_credit_code as spelling_uscc,
        named.uscc_count as name_uscc_count,
        case when named.uscc_count = 1 then named.unified_social_credit_code end as name_uscc
    from parties
    left join spelling_to_uscc as spelled
        on spelled.party_name_spelling = parties.party_name_spelling
    left join name_to_uscc as named
        on named.party_name_normalised = parties.party_name_normalised
        and named.is_joint_stock = parties.is_joint_stock
),

-- A candidate code is accepted unless the record carries its own (invalid) code that is no typo
-- of it.
accepted as (
    select
        *,
        case when spelling_uscc is not null and (
            unified_social_credit_code is null or levenshtein(unified_social_credit_code, spelling_uscc) <= 2
        ) then spelling_uscc end as exact_name_uscc,
        case when name_uscc is not null and (
            unified_social_credit_code is null or levenshtein(unified_social_credit_code, name_uscc) <= 2
        ) then name_uscc end as normalised_name_uscc
    from candidates
),

keyed as (
    select
        *,
        case
            when uscc_is_valid then 'uscc:' || unified_social_credit_code
            when exact_name_uscc is not null then 'uscc:' || exact_name_uscc
            when normalised_name_uscc is not null then 'uscc:' || normalised_name_uscc
            when name_uscc_count is not null then 'spelling:' || party_name_spelling
            -- the legal form is part of the key only where it tells companies apart, so the codes
            -- of other name-matched companies stay what they were
            else 'name:' || party_name_normalised || case when is_joint_stock then '|股份' else '' end
        end as match_key,
        case
            when uscc_is_valid then 'uscc'
            when exact_name_uscc is not null then 'exact_name_to_uscc'
            when normalised_name_uscc is not null then 'name_to_uscc'
            when name_uscc_count is not null then 'spelling'
            else 'name'
        end as automatic_match_method
    from accepted
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
