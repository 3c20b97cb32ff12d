{{ config(materialized='view') }}
{#- Drill-through (穿透查询), statement line → account → journal line → business document:
    one row per journal line of a period with the statement line(s) its account prints on.
    Filter by entity_code, period and line_code to see what makes up a line's movement in
    the period; join finance.business_documents on (source_document_type,
    source_document_id) for the document itself. -#}

select
    m.statement,
    m.line_code,
    l.entity_code,
    l.period,
    l.account_code,
    l.account_name,
    l.gl_line_id,
    l.voucher_id,
    l.voucher_no,
    l.line_no,
    l.posting_date,
    l.debit,
    l.credit,
    l.amount_functional,
    l.functional_currency,
    l.transaction_currency,
    l.amount_transaction,
    l.party_code,
    l.source_system,
    l.source_document_type,
    l.source_document_id,
    l.batch_id
from {{ ref('gl_lines') }} as l
join {{ ref('account_statement_lines') }} as m on m.account_code = l.account_code
