-- Supplier invoices, header grain, at the ERP's booking rate.
with all_invoices as (
    select * from {{ ref('conformed_supplier_invoice') }}
),

doc as (
    select
        all_invoices.*,
        {{ legal_entity_columns('all_invoices', 'company_code') }}
    from all_invoices
    {{ legal_entity_join('all_invoices', 'company_code') }}
)

select
    {{ canonical_key('doc.source_invoice_id', 'doc') }} as supplier_invoice_key,
    doc.document_number,
    doc.legal_entity_code,
    doc.invoice_date,
    doc.due_date,
    vendor.unified_party_code as party_code,
    doc.party_source_code,
    case when doc.source_order_id is not null then {{ canonical_key('doc.source_order_id', 'doc') }} end
        as purchase_order_key,
    doc.vendor_invoice_ref,
    doc.transaction_currency,
    doc.net_amount,
    doc.tax_amount,
    doc.gross_amount,
    doc.functional_currency,
    {{ group_currency_columns(['net_amount', 'tax_amount', 'gross_amount'], 'invoice_date', document_rate='document_rate') }},
    doc.source_system,
    doc.source_document_id,
    doc.batch_id
from doc
{{ party_join('vendor', 'doc', 'party_source_code') }}
{{ group_currency_joins('invoice_date') }}
