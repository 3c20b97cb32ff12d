-- (source_system, company, local account) → group chart account, through seed account_mapping
-- (maintained by finance master data). A local account without a mapping stays null and is
-- reported as `unmapped_code`; a mapping to an account missing from the group chart is caught
-- by the seed's relationships test.
with accounts as (
    select * from {{ ref('account') }}
),

mapping as (
    select * from {{ ref('account_mapping') }}
)

select
    accounts.account_key,
    accounts.source_system,
    accounts.source_company_code,
    accounts.legal_entity_code,
    accounts.account_source_code,
    accounts.account_name,
    mapping.group_account_code,
    case when mapping.group_account_code is null then 'unmapped' else 'mapped' end as mapping_status,
    accounts.batch_id
from accounts
left join mapping
    on mapping.source_system = accounts.source_system
    and mapping.source_company_code = accounts.source_company_code
    and mapping.local_account_code = accounts.account_source_code
