-- journal_voucher (standard interface) from the group ERP's voucher headers.
select
    voucher_no as source_voucher_id,
    voucher_no as document_number,
    company_code,
    voucher_date,
    fiscal_year,
    fiscal_period as period_number,
    voucher_type,
    description,
    source_doc_type as source_document_type,
    source_doc_no as source_document_id_ref,
    created_by_user_id,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__journal_vouchers') }}
