-- opportunity (standard interface): the CRM's deals. The CRM belongs to no legal entity's
-- books, so amounts are taken in the group currency's terms (functional = group currency).
select
    opportunity_id as source_opportunity_id,
    opportunity_name,
    account_id as party_source_code,
    owner_user_id as owner_source_code,
    stage,
    expected_close_date,
    created_at,
    currency as transaction_currency,
    amount,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_crm__opportunities') }}
