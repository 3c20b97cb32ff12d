-- Cash receipts from customers.
with all_receipts as (
    select * from {{ ref('conformed_receipt') }}
),

doc as (
    select
        all_receipts.*,
        {{ legal_entity_columns('all_receipts', 'company_code') }}
    from all_receipts
    {{ legal_entity_join('all_receipts', 'company_code') }}
)

select
    {{ canonical_key('doc.source_receipt_id', 'doc') }} as receipt_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.receipt_date,
    customer.unified_party_code as party_code,
    doc.party_source_code,
    case when doc.source_invoice_id is not null then {{ canonical_key('doc.source_invoice_id', 'doc') }} end
        as customer_invoice_key,
    doc.bank_account_source_code,
    doc.transaction_currency,
    doc.amount,
    doc.functional_currency,
    {{ group_currency_columns(['amount'], 'receipt_date', document_rate='document_rate') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('customer', 'doc', 'party_source_code') }}
{{ group_currency_joins('receipt_date') }}
