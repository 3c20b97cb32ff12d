-- account (standard interface): SimpleBooks' flat chart of accounts (every account postable).
select
    company_code as source_company_code,
    acct_code as account_source_code,
    acct_name as account_name,
    acct_class as account_type,
    cast(null as varchar) as parent_source_code,
    normal_balance,
    true as is_postable,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp2__gl_accounts') }}
