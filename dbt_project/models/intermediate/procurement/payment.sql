-- Payments to vendors, at the ERP's booking rate.
with all_payments as (
    select * from {{ ref('conformed_payment') }}
),

doc as (
    select
        all_payments.*,
        {{ legal_entity_columns('all_payments', 'company_code') }}
    from all_payments
    {{ legal_entity_join('all_payments', 'company_code') }}
)

select
    {{ canonical_key('doc.source_payment_id', 'doc') }} as payment_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.payment_date,
    vendor.unified_party_code as party_code,
    doc.party_source_code,
    case when doc.source_invoice_id is not null then {{ canonical_key('doc.source_invoice_id', 'doc') }} end
        as supplier_invoice_key,
    doc.bank_account_source_code,
    doc.transaction_currency,
    doc.amount,
    doc.functional_currency,
    {{ group_currency_columns(['amount'], 'payment_date', document_rate='document_rate') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('vendor', 'doc', 'party_source_code') }}
{{ group_currency_joins('payment_date') }}
