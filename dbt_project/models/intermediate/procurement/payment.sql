-- Payments to vendors, at the ERP's booking rate.
with erp_payments as (
    select
        payment_no as source_payment_id,
        payment_no as document_number,
        company_code,
        payment_date,
        vendor_no as party_source_code,
        sinv_no as source_invoice_id,
        bank_account_no as bank_account_source_code,
        currency as transaction_currency,
        exchange_rate as document_rate,
        amount,
        source_system,
        source_document_id,
        batch_id
    from {{ ref('stg_erp__payments') }}
),

erp2_payments as (
    select
        txn_id as source_payment_id,
        txn_id as document_number,
        company_code,
        txn_date as payment_date,
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
    where direction = 'payment'
),

all_payments as (
    select * from erp_payments
    union all
    select * from erp2_payments
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
