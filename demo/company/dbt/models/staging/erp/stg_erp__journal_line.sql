-- journal_line (standard interface) from the group ERP's voucher lines, with the voucher's date
-- and period. Transaction and functional amounts are the ledger's own.
select
    lines.voucher_no || '|' || cast(lines.line_no as varchar) as source_line_id,
    lines.voucher_no as source_voucher_id,
    lines.line_no as line_number,
    lines.company_code,
    vouchers.voucher_date,
    vouchers.fiscal_year,
    vouchers.fiscal_period as period_number,
    lines.account_no as account_source_code,
    coalesce(lines.customer_no, lines.vendor_no) as party_source_code,
    lines.cost_center as org_unit_source_code,
    lines.material_no as product_source_code,
    lines.description,
    lines.currency as transaction_currency,
    lines.debit_tc as debit_amount,
    lines.credit_tc as credit_amount,
    lines.debit as debit_amount_functional,
    lines.credit as credit_amount_functional,
    lines.source_system,
    lines.source_document_id,
    lines.batch_id
from {{ ref('stg_erp__journal_lines') }} as lines
inner join {{ ref('stg_erp__journal_vouchers') }} as vouchers
    on vouchers.voucher_no = lines.voucher_no
