-- journal_voucher (standard interface) from SimpleBooks' flat ledger: the entries of one
-- journal_no form a voucher. Opening balances are period 0, as in the group ERP.
select
    journal_no as source_voucher_id,
    journal_no as document_number,
    min(company_code) as company_code,
    min(posting_date) as voucher_date,
    cast(substr(min(period), 1, 4) as integer) as fiscal_year,
    case when bool_or(doc_type = 'OPENING') then 0 else cast(substr(min(period), 6, 2) as integer) end
        as period_number,
    min(doc_type) as voucher_type,
    min(memo) as description,
    min(canonical_document_type) as source_document_type,
    min(doc_ref) as source_document_id_ref,
    cast(null as varchar) as created_by_user_id,
    min(source_system) as source_system,
    journal_no as source_document_id,
    max(batch_id) as batch_id
from {{ ref('stg_erp2__gl_entries') }}
group by journal_no
