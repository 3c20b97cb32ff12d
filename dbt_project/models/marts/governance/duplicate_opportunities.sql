-- CRM deals entered twice: two live opportunities of the same account with the same name,
-- amount, currency and expected close date are one deal keyed in by two reps (or twice by
-- one). The one created first stands; each later copy is a duplicate to merge in the CRM.
-- Stage and owner are left out of the match: a copy moved through the pipeline on its own,
-- or handed to another rep, is still the same deal.

with live as (
    select
        source_system,
        opportunity_id,
        account_id,
        opportunity_name,
        amount,
        currency,
        expected_close_date,
        created_at,
        batch_id
    from {{ ref('stg_crm__opportunities') }}
),

ranked as (
    select
        *,
        first_value(opportunity_id) over deal as survivor_id,
        row_number() over deal as copy_number
    from live
    window deal as (
        partition by account_id, opportunity_name, amount, currency, expected_close_date
        order by created_at, opportunity_id
    )
)

select
    source_system,
    'opportunities' as entity,
    opportunity_id as record_key,
    survivor_id as duplicate_of,
    'same deal as ' || survivor_id || ' (account ' || coalesce(account_id, '(none)') || ', '
        || opportunity_name || ', ' || cast(amount as varchar) || ' ' || currency || ', closing '
        || cast(expected_close_date as varchar) || ') — merge the two in the CRM' as reason,
    batch_id
from ranked
where copy_number > 1
