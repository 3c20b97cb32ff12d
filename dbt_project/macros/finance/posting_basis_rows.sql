{#- The rows of int_finance__posting_basis (see that model): every business document that
    finance should see, with the amounts posting rules can post, one row per document (line) ×
    amount basis. Cancelled and draft documents post nothing. A macro because the model both
    builds these rows and, to decide what a daily run rewrites, hashes them per document
    (macros/incremental/finance_increment.sql). -#}
{% macro posting_basis_rows() -%}
with products as (
    select source_system, product_source_code, product_category
    from {{ ref('product') }}
),

parties as (
    -- payment terms drive the expected due date of an order; several source records of the
    -- same party keep the longest terms (the cautious forecast)
    select source_system, party_source_code, max(payment_terms_days) as payment_terms_days
    from {{ ref('party') }}
    group by 1, 2
),

requisitions as (
    select
        'purchase_requisition' as document_type,
        pr.purchase_requisition_key as document_key,
        pr.purchase_requisition_key as document_line_key,
        pr.document_number,
        pr.legal_entity_code,
        pr.requisition_date as document_date,
        cast(null as date) as due_date,
        cast(null as varchar) as party_code,
        pr.product_code,
        p.product_category,
        pr.org_unit_source_code as cost_centre_code,
        cast(null as varchar) as line_account_code,
        pr.transaction_currency,
        pr.functional_currency,
        pr.amount,
        pr.amount_functional,
        pr.source_system,
        pr.source_document_id,
        pr.batch_id
    from {{ ref('purchase_requisition') }} as pr
    left join products as p
        on p.source_system = pr.source_system and p.product_source_code = pr.product_source_code
    where coalesce(pr.status, '') not in ('draft', 'cancelled', 'rejected')
),

purchase_orders as (
    select
        'purchase_order' as document_type,
        po.purchase_order_key as document_key,
        po.purchase_order_key as document_line_key,
        po.document_number,
        po.legal_entity_code,
        po.order_date as document_date,
        -- expected payable: due after the supplier's payment terms, 30 days when unknown
        cast(po.order_date + to_days(cast(coalesce(pt.payment_terms_days, 30) as integer)) as date) as due_date,
        po.party_code,
        cast(null as varchar) as product_code,
        cast(null as varchar) as product_category,
        po.org_unit_source_code as cost_centre_code,
        cast(null as varchar) as line_account_code,
        po.transaction_currency,
        po.functional_currency,
        po.gross_amount,
        po.gross_amount_functional,
        po.source_system,
        po.source_document_id,
        po.batch_id
    from {{ ref('purchase_order') }} as po
    left join parties as pt
        on pt.source_system = po.source_system and pt.party_source_code = po.party_source_code
    where coalesce(po.status, '') not in ('draft', 'cancelled')
),

goods_receipts as (
    select
        'goods_receipt' as document_type,
        gr.goods_receipt_key as document_key,
        gr.goods_receipt_line_key as document_line_key,
        gr.document_number,
        gr.legal_entity_code,
        gr.receipt_date as document_date,
        cast(null as date) as due_date,
        gr.party_code,
        gr.product_code,
        p.product_category,
        cast(null as varchar) as cost_centre_code,
        cast(null as varchar) as line_account_code,
        gr.transaction_currency,
        gr.functional_currency,
        gr.amount,
        gr.amount_functional,
        gr.source_system,
        gr.source_document_id,
        gr.batch_id
    from {{ ref('goods_receipt') }} as gr
    left join products as p
        on p.source_system = gr.source_system and p.product_source_code = gr.product_source_code
),

supplier_invoices as (
    select
        'supplier_invoice' as document_type,
        si.supplier_invoice_key as document_key,
        si.supplier_invoice_key as document_line_key,
        si.document_number,
        si.legal_entity_code,
        si.invoice_date as document_date,
        si.due_date,
        si.party_code,
        cast(null as varchar) as product_code,
        cast(null as varchar) as product_category,
        cast(null as varchar) as cost_centre_code,
        cast(null as varchar) as line_account_code,
        si.transaction_currency,
        si.functional_currency,
        si.net_amount,
        si.net_amount_functional,
        si.tax_amount,
        si.tax_amount_functional,
        si.gross_amount,
        -- the receivable / payable is the sum of the booked legs, so net + tax converted one by
        -- one (not the converted gross, which can differ by a cent)
        si.net_amount_functional + si.tax_amount_functional as gross_amount_functional,
        si.source_system,
        si.source_document_id,
        si.batch_id
    from {{ ref('supplier_invoice') }} as si
),

deliveries as (
    select
        'delivery' as document_type,
        dl.delivery_key as document_key,
        dl.delivery_line_key as document_line_key,
        dl.document_number,
        dl.legal_entity_code,
        dl.delivery_date as document_date,
        cast(null as date) as due_date,
        dl.party_code,
        dl.product_code,
        p.product_category,
        cast(null as varchar) as cost_centre_code,
        cast(null as varchar) as line_account_code,
        dl.transaction_currency,
        dl.functional_currency,
        dl.cost_amount,
        dl.cost_amount_functional,
        dl.source_system,
        dl.source_document_id,
        dl.batch_id
    from {{ ref('delivery') }} as dl
    left join products as p
        on p.source_system = dl.source_system and p.product_source_code = dl.product_source_code
),

customer_invoices as (
    select
        'customer_invoice' as document_type,
        ci.customer_invoice_key as document_key,
        ci.customer_invoice_key as document_line_key,
        ci.document_number,
        ci.legal_entity_code,
        ci.invoice_date as document_date,
        ci.due_date,
        ci.party_code,
        cast(null as varchar) as product_code,
        cast(null as varchar) as product_category,
        cast(null as varchar) as cost_centre_code,
        cast(null as varchar) as line_account_code,
        ci.transaction_currency,
        ci.functional_currency,
        ci.net_amount,
        ci.net_amount_functional,
        ci.tax_amount,
        ci.tax_amount_functional,
        ci.gross_amount,
        -- the receivable / payable is the sum of the booked legs, so net + tax converted one by
        -- one (not the converted gross, which can differ by a cent)
        ci.net_amount_functional + ci.tax_amount_functional as gross_amount_functional,
        ci.source_system,
        ci.source_document_id,
        ci.batch_id
    from {{ ref('customer_invoice') }} as ci
),

receipts as (
    select
        'receipt' as document_type,
        rc.receipt_key as document_key,
        rc.receipt_key as document_line_key,
        rc.document_number,
        rc.legal_entity_code,
        rc.receipt_date as document_date,
        cast(null as date) as due_date,
        rc.party_code,
        cast(null as varchar) as product_code,
        cast(null as varchar) as product_category,
        cast(null as varchar) as cost_centre_code,
        cast(null as varchar) as line_account_code,
        rc.transaction_currency,
        rc.functional_currency,
        rc.amount,
        rc.amount_functional,
        -- a receipt of the whole invoice clears the receivable at the amount the invoice was
        -- booked at; the rest is an exchange difference
        case when ci.gross_amount = rc.amount and ci.transaction_currency = rc.transaction_currency
            then ci.gross_amount_functional else rc.amount_functional end as cleared_amount_functional,
        rc.amount_functional - (case when ci.gross_amount = rc.amount and ci.transaction_currency = rc.transaction_currency
            then ci.gross_amount_functional else rc.amount_functional end) as fx_difference_functional,
        rc.source_system,
        rc.source_document_id,
        rc.batch_id
    from {{ ref('receipt') }} as rc
    left join {{ ref('customer_invoice') }} as ci on ci.customer_invoice_key = rc.customer_invoice_key
),

payments as (
    select
        'payment' as document_type,
        pm.payment_key as document_key,
        pm.payment_key as document_line_key,
        pm.document_number,
        pm.legal_entity_code,
        pm.payment_date as document_date,
        cast(null as date) as due_date,
        pm.party_code,
        cast(null as varchar) as product_code,
        cast(null as varchar) as product_category,
        cast(null as varchar) as cost_centre_code,
        cast(null as varchar) as line_account_code,
        pm.transaction_currency,
        pm.functional_currency,
        pm.amount,
        pm.amount_functional,
        case when si.gross_amount = pm.amount and si.transaction_currency = pm.transaction_currency
            then si.gross_amount_functional else pm.amount_functional end as cleared_amount_functional,
        pm.amount_functional - (case when si.gross_amount = pm.amount and si.transaction_currency = pm.transaction_currency
            then si.gross_amount_functional else pm.amount_functional end) as fx_difference_functional,
        pm.source_system,
        pm.source_document_id,
        pm.batch_id
    from {{ ref('payment') }} as pm
    left join {{ ref('supplier_invoice') }} as si on si.supplier_invoice_key = pm.supplier_invoice_key
),

payrolls as (
    select
        'payroll' as document_type,
        py.payroll_key as document_key,
        py.payroll_key as document_line_key,
        py.employee_code as document_number,
        py.legal_entity_code,
        -- payroll is an accrual of its pay period: it posts on the period's last day, the way
        -- the ledger books it, whenever the money is paid out
        {{ period_end_date('py.pay_period') }} as document_date,
        cast(null as date) as due_date,
        cast(null as varchar) as party_code,
        cast(null as varchar) as product_code,
        cast(null as varchar) as product_category,
        py.cost_centre_code,
        cast(null as varchar) as line_account_code,
        py.transaction_currency,
        py.functional_currency,
        py.gross_pay,
        py.gross_pay_functional,
        py.net_pay,
        py.net_pay_functional,
        py.social_insurance_employee,
        py.social_insurance_employee_functional,
        py.individual_income_tax,
        py.individual_income_tax_functional,
        py.employer_contributions,
        py.employer_contributions_functional,
        py.source_system,
        py.source_document_id,
        py.batch_id
    from {{ ref('payroll') }} as py
),

unpivoted as (
    {{ unpivot_amount_bases('requisitions', {'amount': ('amount', 'amount_functional')}) }}
    union all
    {{ unpivot_amount_bases('purchase_orders', {'gross_amount': ('gross_amount', 'gross_amount_functional')}) }}
    union all
    {{ unpivot_amount_bases('goods_receipts', {'amount': ('amount', 'amount_functional')}) }}
    union all
    {{ unpivot_amount_bases('supplier_invoices', {
        'net_amount': ('net_amount', 'net_amount_functional'),
        'tax_amount': ('tax_amount', 'tax_amount_functional'),
        'gross_amount': ('gross_amount', 'gross_amount_functional')}) }}
    union all
    {{ unpivot_amount_bases('deliveries', {'cost_amount': ('cost_amount', 'cost_amount_functional')}) }}
    union all
    {{ unpivot_amount_bases('customer_invoices', {
        'net_amount': ('net_amount', 'net_amount_functional'),
        'tax_amount': ('tax_amount', 'tax_amount_functional'),
        'gross_amount': ('gross_amount', 'gross_amount_functional')}) }}
    union all
    {{ unpivot_amount_bases('receipts', {
        'amount': ('amount', 'amount_functional'),
        'cleared_amount': ('amount', 'cleared_amount_functional'),
        'fx_difference': ('0', 'fx_difference_functional')}) }}
    union all
    {{ unpivot_amount_bases('payments', {
        'amount': ('amount', 'amount_functional'),
        'cleared_amount': ('amount', 'cleared_amount_functional'),
        'fx_difference': ('0', 'fx_difference_functional')}) }}
    union all
    {{ unpivot_amount_bases('payrolls', {
        'gross_pay': ('gross_pay', 'gross_pay_functional'),
        'net_pay': ('net_pay', 'net_pay_functional'),
        'social_insurance_employee': ('social_insurance_employee', 'social_insurance_employee_functional'),
        'individual_income_tax': ('individual_income_tax', 'individual_income_tax_functional'),
        'employer_contributions': ('employer_contributions', 'employer_contributions_functional')}) }}
)

select
    *,
    {{ fiscal_period('document_date') }} as period
from unpivoted
{%- endmacro %}
