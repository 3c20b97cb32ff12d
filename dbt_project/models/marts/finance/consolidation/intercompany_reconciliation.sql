{#- 内部往来对账: the two sides of the group's trade with itself, side by side.

    check_level `document`: every intercompany sales invoice (a customer invoice whose party is a
    group entity) against the buyer's supplier invoice that names it (vendor_invoice_ref = the
    seller's invoice number): matched, amount_differs (gross amounts in the invoice currency),
    period_differs (booked in another fiscal period: a timing difference at the month end) or
    counterpart_missing (only one side has it).

    check_level `balance`: at every period end, per balance rule (seed
    intercompany_elimination_rules) and pair (the entity holding the receivable and the one owing
    it), the two sides' balances in the group currency, as GROUP eliminates them: matched when
    they offset within var reconciliation_tolerance, else balance_differs (what is left goes to
    ICDIFF in GROUP). A document difference shows here too, in every period until it is settled.

    Every row that is not matched is a governance.reconciliation_exceptions row. -#}

{%- set tolerance = var('reconciliation_tolerance', 0.05) %}

with counterparties as (
    select party_code, counterparty_entity_code
    from {{ ref('intercompany_counterparties') }}
    where counterparty_entity_code is not null
),

seller_invoices as (
    select i.legal_entity_code as seller, c.counterparty_entity_code as buyer, i.document_number,
        i.customer_invoice_key as document_key, i.invoice_date, i.transaction_currency, i.gross_amount,
        i.source_system, i.batch_id
    from {{ ref('customer_invoice') }} as i
    join counterparties as c on c.party_code = i.party_code
),

buyer_invoices as (
    select s.legal_entity_code as buyer, c.counterparty_entity_code as seller, s.document_number,
        s.vendor_invoice_ref, s.invoice_date, s.transaction_currency, s.gross_amount,
        s.source_system, s.batch_id
    from {{ ref('supplier_invoice') }} as s
    join counterparties as c on c.party_code = s.party_code
),

documents as (
    select
        coalesce(s.seller, b.seller) as seller,
        coalesce(s.buyer, b.buyer) as buyer,
        s.document_key,
        coalesce(s.document_number, b.vendor_invoice_ref) as seller_document,
        s.invoice_date as seller_date,
        s.transaction_currency as seller_currency,
        s.gross_amount as seller_amount,
        b.document_number as buyer_document,
        b.invoice_date as buyer_date,
        b.transaction_currency as buyer_currency,
        b.gross_amount as buyer_amount,
        coalesce(s.source_system, b.source_system) as source_system,
        greatest(s.batch_id, b.batch_id) as batch_id
    from seller_invoices as s
    full outer join buyer_invoices as b
        on b.vendor_invoice_ref = s.document_number and b.seller = s.seller and b.buyer = s.buyer
),

document_checks as (
    select
        'document' as check_level,
        case
            when seller_document is null or buyer_document is null or seller_date is null then 'counterpart_missing'
            when seller_currency <> buyer_currency or abs(seller_amount - buyer_amount) > {{ tolerance }}
                then 'amount_differs'
            when {{ fiscal_period('seller_date') }} <> {{ fiscal_period('buyer_date') }} then 'period_differs'
            else 'matched'
        end as status,
        {{ fiscal_period('coalesce(seller_date, buyer_date)') }} as period,
        seller as creditor_entity_code,
        buyer as debtor_entity_code,
        'customer_invoice' as subject,
        document_key,
        seller_document,
        buyer_document,
        cast(null as varchar) as account_code,
        coalesce(seller_currency, buyer_currency) as currency,
        seller_amount as creditor_amount,
        buyer_amount as debtor_amount,
        source_system,
        batch_id,
        seller || ' invoiced ' || coalesce(seller_document, '(nothing)')
            || coalesce(' ' || seller_currency || ' ' || cast(seller_amount as varchar) || ' on ' || cast(seller_date as varchar), '')
            || '; ' || buyer || ' booked ' || coalesce(buyer_document, 'no invoice for it')
            || coalesce(' ' || buyer_currency || ' ' || cast(buyer_amount as varchar) || ' on ' || cast(buyer_date as varchar), '')
            as reason
    from documents
),

pair_sides as (
    select
        period, rule_id, role,
        case when role = 'receivable' then entity_code else counterparty_entity_code end as creditor,
        case when role = 'receivable' then counterparty_entity_code else entity_code end as debtor,
        transaction_currency,
        sum(balance_transaction) as balance_transaction,
        sum(balance_group) as balance_group
    from {{ ref('intercompany_balances') }}
    group by all
),

pairs as (
    select
        period, rule_id, creditor, debtor,
        sum(balance_group) filter (where role = 'receivable') as creditor_balance,
        sum(balance_group) filter (where role = 'payable') as debtor_balance,
        string_agg(case when role = 'receivable' and balance_transaction <> 0
            then transaction_currency || ' ' || cast(balance_transaction as varchar) end, ', '
            order by transaction_currency, balance_transaction) as creditor_detail,
        string_agg(case when role = 'payable' and balance_transaction <> 0
            then transaction_currency || ' ' || cast(-balance_transaction as varchar) end, ', '
            order by transaction_currency, balance_transaction) as debtor_detail
    from pair_sides
    group by 1, 2, 3, 4
),

balance_checks as (
    select
        'balance' as check_level,
        case when abs(coalesce(creditor_balance, 0) + coalesce(debtor_balance, 0)) > {{ tolerance }}
            then 'balance_differs' else 'matched' end as status,
        period,
        creditor as creditor_entity_code,
        debtor as debtor_entity_code,
        rule_id as subject,
        cast(null as varchar) as document_key,
        cast(null as varchar) as seller_document,
        cast(null as varchar) as buyer_document,
        cast(null as varchar) as account_code,
        '{{ var("group_currency") }}' as currency,
        coalesce(creditor_balance, 0) as creditor_amount,
        -coalesce(debtor_balance, 0) as debtor_amount,
        cast(null as varchar) as source_system,
        cast(null as varchar) as batch_id,
        rule_id || ' at the end of ' || period || ': ' || creditor || ' holds '
            || cast({{ money('coalesce(creditor_balance, 0)') }} as varchar)
            || coalesce(' (' || creditor_detail || ')', '') || ' from ' || debtor || ', which owes '
            || cast({{ money('-coalesce(debtor_balance, 0)') }} as varchar)
            || coalesce(' (' || debtor_detail || ')', '') || ' ({{ var("group_currency") }})'
            as reason
    from pairs
)

select
    check_level,
    status,
    period,
    creditor_entity_code,
    debtor_entity_code,
    subject,
    document_key,
    seller_document,
    buyer_document,
    currency,
    {{ money('creditor_amount') }} as creditor_amount,
    {{ money('debtor_amount') }} as debtor_amount,
    {{ money('coalesce(creditor_amount, 0) - coalesce(debtor_amount, 0)') }} as difference_amount,
    source_system,
    batch_id,
    reason
from (
    select * from document_checks
    union all
    select * from balance_checks
)
