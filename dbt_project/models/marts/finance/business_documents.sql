{#- The business documents behind the books, one row per document, keyed the way journal
    vouchers point at them (source_document_type, document_id = canonical key): the last link
    of the drill-through chain. -#}

with documents as (
    select 'customer_invoice' as document_type, customer_invoice_key as document_id, document_number,
        legal_entity_code as entity_code, invoice_date as document_date, party_code,
        transaction_currency as currency, gross_amount as amount, source_system, source_document_id, batch_id
    from {{ ref('customer_invoice') }}
    union all
    select 'receipt', receipt_key, document_number, legal_entity_code, receipt_date, party_code,
        transaction_currency, amount, source_system, source_document_id, batch_id
    from {{ ref('receipt') }}
    union all
    select 'delivery', delivery_key, min(document_number), min(legal_entity_code), min(delivery_date),
        min(party_code), min(transaction_currency), sum(cost_amount), min(source_system),
        min(source_document_id), max(batch_id)
    from {{ ref('delivery') }}
    group by delivery_key
    union all
    select 'goods_receipt', goods_receipt_key, min(document_number), min(legal_entity_code), min(receipt_date),
        min(party_code), min(transaction_currency), sum(amount), min(source_system),
        min(source_document_id), max(batch_id)
    from {{ ref('goods_receipt') }}
    group by goods_receipt_key
    union all
    select 'supplier_invoice', supplier_invoice_key, document_number, legal_entity_code, invoice_date, party_code,
        transaction_currency, gross_amount, source_system, source_document_id, batch_id
    from {{ ref('supplier_invoice') }}
    union all
    select 'payment', payment_key, document_number, legal_entity_code, payment_date, party_code,
        transaction_currency, amount, source_system, source_document_id, batch_id
    from {{ ref('payment') }}
    union all
    select 'purchase_order', purchase_order_key, document_number, legal_entity_code, order_date, party_code,
        transaction_currency, gross_amount, source_system, source_document_id, batch_id
    from {{ ref('purchase_order') }}
    union all
    select 'sales_order', sales_order_key, document_number, legal_entity_code, order_date, party_code,
        transaction_currency, gross_amount, source_system, source_document_id, batch_id
    from {{ ref('sales_order') }}
)

select
    document_type,
    document_id,
    document_number as document_no,
    entity_code,
    document_date,
    party_code,
    currency,
    {{ money('amount') }} as amount,
    source_system,
    source_document_id,
    batch_id
from documents
