-- account (standard interface): the group ERP's local charts of accounts, per company.
select
    company_code as source_company_code,
    account_no as account_source_code,
    account_name,
    account_type,
    parent_account_no as parent_source_code,
    normal_balance,
    is_postable,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__chart_of_accounts') }}
