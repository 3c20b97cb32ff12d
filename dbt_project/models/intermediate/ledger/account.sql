-- Each ledger's local chart of accounts, one row per (source, company, local account), from
-- every source that supplies account. master.account_crosswalk maps every local account onto
-- the group chart.
with all_accounts as (
    select * from {{ ref('conformed_account') }}
)

select
    {{ canonical_key('all_accounts.source_document_id', 'all_accounts') }} as account_key,
    {{ legal_entity_columns('all_accounts', 'source_company_code', with_currency=false) }},
    all_accounts.source_company_code,
    all_accounts.account_source_code,
    all_accounts.account_name,
    all_accounts.account_type,
    all_accounts.parent_source_code,
    all_accounts.normal_balance,
    all_accounts.is_postable,
    all_accounts.source_system,
    all_accounts.source_document_id,
    all_accounts.batch_id
from all_accounts
{{ legal_entity_join('all_accounts', 'source_company_code') }}
