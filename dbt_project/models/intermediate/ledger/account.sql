-- Each ERP's local chart of accounts, one row per (source, company, local account).
-- master.account_crosswalk maps every local account onto the group chart.
with erp_accounts as (
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
),

erp2_accounts as (
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
),

all_accounts as (
    select * from erp_accounts
    union all
    select * from erp2_accounts
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
