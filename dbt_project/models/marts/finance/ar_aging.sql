{#- 应收账款账龄: open customer invoices at each period end, per entity and customer, in the
    functional currency, in buckets by days past due (current, 1–30, 31–60, 61–90, 91–180,
    >180). Receipts are applied to the customer's oldest invoices first (FIFO); receipts
    beyond what was invoiced show as unapplied_amount (negative). total_open is the AR
    subledger that governance.reconciliation_exceptions compares with account 1122. -#}

{{ open_item_aging(
    documents_model='customer_invoice', document_key='customer_invoice_key', document_date='invoice_date',
    settlements_model='receipt', settlement_date='receipt_date') }}
