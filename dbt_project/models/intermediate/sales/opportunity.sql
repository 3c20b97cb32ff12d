-- Sales opportunities, from every source that supplies opportunity. A pipeline belongs to no
-- legal entity's books, so the functional currency is the group currency; amounts convert at the
-- expected close date (the created date when none).
with doc as (
    select
        *,
        cast(created_at as date) as created_date,
        coalesce(expected_close_date, cast(created_at as date)) as conversion_date,
        '{{ var("group_currency") }}' as functional_currency
    from {{ ref('conformed_opportunity') }}
)

select
    {{ canonical_key('doc.source_opportunity_id', 'doc') }} as opportunity_key,
    doc.opportunity_name,
    account.unified_party_code as party_code,
    doc.party_source_code,
    owner.unified_employee_code as owner_employee_code,
    doc.owner_source_code,
    doc.stage,
    doc.expected_close_date,
    doc.created_date,
    doc.transaction_currency,
    doc.amount,
    doc.functional_currency,
    {{ group_currency_columns(['amount'], 'conversion_date') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('account', 'doc', 'party_source_code') }}
{{ employee_join('owner', 'doc', 'owner_source_code') }}
{{ group_currency_joins('conversion_date') }}
