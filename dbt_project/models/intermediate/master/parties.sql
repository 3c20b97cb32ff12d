-- Golden record per unified party (one company, however many systems know it).
-- Survivorship, attribute by attribute (documented in _master__models.yml):
--   name, country, city, payment terms: the record of the source with the best precedence of
--     domain `party` in seed master_data_rules (customers before vendors); within a source, a
--     record with a valid USCC first, then the lowest source code;
--   unified social credit code: the valid code of the match (all records agree by construction);
--   industry: by the precedence of domain `party_industry` (a record without one never wins);
--   roles: a party is a customer / vendor / prospect when any of its records is.
-- A source the rules do not list ranks after every listed one.
with crosswalk as (
    select * from {{ ref('party_crosswalk') }}
),

parties as (
    select * from {{ ref('party') }}
),

rules as (
    select domain, source_system, precedence
    from {{ ref('master_data_rules') }}
    where domain in ('party', 'party_industry')
),

records as (
    select
        crosswalk.unified_party_code,
        parties.*,
        coalesce(party_rules.precedence, 999999) as system_rank,
        coalesce(industry_rules.precedence, 999999) as industry_system_rank,
        case parties.party_role when 'customer' then 1 when 'vendor' then 2 else 3 end as role_rank
    from crosswalk
    inner join parties on parties.party_key = crosswalk.party_key
    left join rules as party_rules
        on party_rules.domain = 'party' and party_rules.source_system = parties.source_system
    left join rules as industry_rules
        on industry_rules.domain = 'party_industry' and industry_rules.source_system = parties.source_system
),

ranked as (
    select
        *,
        row_number() over (
            partition by unified_party_code
            order by system_rank, source_system, role_rank, case when uscc_is_valid then 0 else 1 end,
                party_source_code
        ) as master_rank,
        row_number() over (
            partition by unified_party_code
            order by case when industry is null then 1 else 0 end,
                industry_system_rank, system_rank, source_system, party_source_code
        ) as industry_rank
    from records
),

aggregated as (
    select
        unified_party_code,
        max(case when uscc_is_valid then unified_social_credit_code end) as unified_social_credit_code,
        bool_or(party_role in ('customer', 'customer_vendor')) as is_customer,
        bool_or(party_role in ('vendor', 'customer_vendor')) as is_vendor,
        bool_or(party_role = 'prospect') as is_crm_account,
        count(*) as source_record_count,
        string_agg(distinct source_system, ',' order by source_system) as source_systems
    from records
    group by unified_party_code
)

select
    aggregated.unified_party_code,
    master.party_name,
    master.party_name_normalised,
    aggregated.unified_social_credit_code,
    aggregated.is_customer,
    aggregated.is_vendor,
    aggregated.is_crm_account,
    master.country_code,
    master.city,
    industry.industry,
    master.payment_terms_days,
    master.party_key as master_party_key,
    aggregated.source_record_count,
    aggregated.source_systems
from aggregated
inner join ranked as master
    on master.unified_party_code = aggregated.unified_party_code and master.master_rank = 1
inner join ranked as industry
    on industry.unified_party_code = aggregated.unified_party_code and industry.industry_rank = 1
