{#- 应付账款账龄: open supplier invoices at each period end, per entity and supplier, in the
    functional currency, in buckets by days past due (current, 1–30, 31–60, 61–90, 91–180,
    >180). Payments are applied to the supplier's oldest invoices first (FIFO); payments
    beyond what was invoiced show as unapplied_amount (negative). total_open is the AP
    subledger that governance.reconciliation_exceptions compares with account 220201. -#}

{{ open_item_aging(
    documents_model='supplier_invoice', document_key='supplier_invoice_key', document_date='invoice_date',
    settlements_model='payment', settlement_date='payment_date') }}
