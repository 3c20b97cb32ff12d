{#- Which unified parties are the group's own legal entities (内部往来单位): one row per party
    code with the entity it is. A party is intercompany when the governance team says so (seed
    intercompany_parties, which always wins), when its valid unified social credit code is a
    legal entity's, or when its normalised name is a legal entity's registered name (foreign
    entities carry no USCC). A party that matches two entities on the same evidence is listed
    with match_method 'ambiguous' and no entity: it is not eliminated, and the test on this
    model names it. -#}

with entities as (
    select
        legal_entity_code,
        max(legal_entity_name) as legal_entity_name,
        max(unified_social_credit_code) as unified_social_credit_code
    from {{ ref('legal_entity') }}
    where legal_entity_code not like 'unmapped:%'
    group by 1
),

parties as (
    select distinct unified_party_code, party_name_normalised, unified_social_credit_code, uscc_is_valid
    from {{ ref('party_crosswalk') }}
),

candidates as (
    select p.unified_party_code as party_code, e.legal_entity_code, 1 as evidence_rank,
        'seed' as match_method
    from {{ ref('intercompany_parties') }} as s
    join parties as p on p.unified_party_code = s.party_code
    join entities as e on e.legal_entity_code = s.counterparty_entity_code
    union all
    select p.unified_party_code, e.legal_entity_code, 2, 'registration'
    from parties as p
    join entities as e on p.uscc_is_valid and p.unified_social_credit_code = e.unified_social_credit_code
    union all
    select p.unified_party_code, e.legal_entity_code, 3, 'name'
    from parties as p
    join entities as e on p.party_name_normalised = {{ normalise_company_name('e.legal_entity_name') }}
),

best as (
    select party_code, evidence_rank, match_method,
        count(distinct legal_entity_code) as entities, min(legal_entity_code) as legal_entity_code
    from candidates
    group by 1, 2, 3
    qualify row_number() over (partition by party_code order by evidence_rank) = 1
)

select
    party_code,
    case when entities = 1 then legal_entity_code end as counterparty_entity_code,
    case when entities = 1 then match_method else 'ambiguous' end as match_method
from best
