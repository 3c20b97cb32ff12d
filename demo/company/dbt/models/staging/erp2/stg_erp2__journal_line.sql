-- journal_line (standard interface) from SimpleBooks' flat ledger: one entry per posting with a
-- D/C side and positive amounts; the entries of one journal_no form a voucher, line numbers
-- count within it. Opening balances are period 0, as in the group ERP.
with entries as (
    select * from {{ ref('stg_erp2__gl_entries') }}
),

opening as (
    select distinct journal_no from entries where doc_type = 'OPENING'
)

select
    entries.entry_id as source_line_id,
    entries.journal_no as source_voucher_id,
    cast(row_number() over (partition by entries.journal_no order by cast(entries.entry_id as integer)) as integer)
        as line_number,
    entries.company_code,
    entries.posting_date as voucher_date,
    cast(substr(entries.period, 1, 4) as integer) as fiscal_year,
    case when opening.journal_no is not null then 0 else cast(substr(entries.period, 6, 2) as integer) end
        as period_number,
    entries.acct_code as account_source_code,
    entries.bp_id as party_source_code,
    entries.dept_code as org_unit_source_code,
    cast(null as varchar) as product_source_code,
    entries.memo as description,
    entries.currency as transaction_currency,
    case when entries.side = 'debit' then entries.amount_doc else 0 end as debit_amount,
    case when entries.side = 'credit' then entries.amount_doc else 0 end as credit_amount,
    case when entries.side = 'debit' then entries.amount_sgd else 0 end as debit_amount_functional,
    case when entries.side = 'credit' then entries.amount_sgd else 0 end as credit_amount_functional,
    entries.source_system,
    entries.source_document_id,
    entries.batch_id
from entries
left join opening
    on opening.journal_no = entries.journal_no
