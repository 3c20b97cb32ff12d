-- Cash receipts from customers.
with erp_receipts as (
    select
        receipt_no as source_receipt_id,
        receipt_no as document_number,
        company_code,
        receipt_date,
        customer_no as party_source_code,
        invoice_no as source_invoice_id,
        bank_account_no as bank_account_source_code,
        currency as transaction_currency,
        exchange_rate as document_rate,
        amount,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp__receipts') }}
),

erp2_receipts as (
    select
        txn_id as source_receipt_id,
        txn_id as document_number,
        company_code,
        txn_date as receipt_date,
        bp_id as party_source_code,
        doc_ref as source_invoice_id,
        cast(null as varchar) as bank_account_source_code,
        currency as transaction_currency,
        fx_rate as document_rate,
        amount,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp2__cash_transactions') }}
    where direction = 'receipt'
),

all_receipts as (
    select * from erp_receipts
    union all
    select * from erp2_receipts
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
