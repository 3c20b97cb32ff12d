-- Deals entered twice, in any source that supplies opportunity: two live opportunities of the
-- same account with the same name, amount, currency and expected close date are one deal keyed
-- in by two reps (or twice by one). The one created first stands; each later copy is a
-- duplicate to merge in the source.
-- Stage and owner are left out of the match: a copy moved through the pipeline on its own,
-- or handed to another rep, is still the same deal.

with live as (
    select
        source_system,
        source_opportunity_id as opportunity_id,
        party_source_code as account_id,
        opportunity_name,
        amount,
        transaction_currency as currency,
        expected_close_date,
        created_at,
        batch_id
    from {{ ref('conformed_opportunity') }}
),

-- the raw entity each source keeps its opportunities in (seed canonical_source_entities)
entities as (
    select source_system, min(source_entity) as source_entity
    from {{ ref('canonical_source_entities') }}
    where canonical_model = 'opportunity'
    group by source_system
),

ranked as (
    select
        *,
        first_value(opportunity_id) over deal as survivor_id,
        row_number() over deal as copy_number
    from live
    window deal as (
        partition by source_system, account_id, opportunity_name, amount, currency, expected_close_date
        order by created_at, opportunity_id
    )
)

select
    ranked.source_system,
    coalesce(entities.source_entity, 'opportunity') as entity,
    opportunity_id as record_key,
    survivor_id as duplicate_of,
    'same deal as ' || survivor_id || ' (account ' || coalesce(account_id, '(none)') || ', '
        || opportunity_name || ', ' || cast(amount as varchar) || ' ' || currency || ', closing '
        || cast(expected_close_date as varchar) || ') — merge the two in ' || ranked.source_system as reason,
    batch_id
from ranked
left join entities on entities.source_system = ranked.source_system
where copy_number > 1
