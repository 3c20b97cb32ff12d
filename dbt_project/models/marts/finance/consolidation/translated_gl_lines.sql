{#- Every booked line (finance.gl_lines) in the group currency for consolidation: the line's
    own group amount (its functional amount at the rate of its posting date, i.e. the
    transaction rate), with any cent a voucher no longer balances by after that per-line
    rounding put on the voucher's largest line, so every voucher still balances in the group
    currency. Lines with an intercompany party carry the entity that party is
    (finance.intercompany_counterparties). The amounts in the functional currency are the
    books' own. -#}

with lines as (
    select gl_line_id, voucher_id, entity_code, period, posting_date, is_opening_balance,
        account_code, party_code, functional_currency, transaction_currency,
        amount_transaction, amount_functional, amount_group
    from {{ ref('gl_lines') }}
),

unbalanced_vouchers as (
    -- only foreign-currency entities can have a rounding residual; CNY lines are exact
    select voucher_id, sum(amount_group) as residual
    from lines
    where functional_currency <> '{{ var("group_currency") }}'
    group by 1
    having sum(amount_group) <> 0
),

account_classes as (
    select account_code, account_class
    from {{ ref('account_statement_lines') }}
    where statement = 'balance_sheet'
),

profit_closing_vouchers as (
    select voucher_id from lines where starts_with(account_code, '{{ current_year_profit_account() }}')
    intersect
    select l.voucher_id
    from lines as l
    join account_classes as c on c.account_code = l.account_code and c.account_class = 'profit_and_loss'
),

residual_lines as (
    select l.gl_line_id, u.residual
    from lines as l
    join unbalanced_vouchers as u on u.voucher_id = l.voucher_id
    qualify row_number() over (partition by l.voucher_id order by abs(l.amount_group) desc, l.gl_line_id) = 1
)

select
    l.gl_line_id,
    l.voucher_id,
    l.entity_code,
    l.period,
    l.posting_date,
    l.is_opening_balance,
    l.account_code,
    c.account_class,
    l.party_code,
    ic.counterparty_entity_code,
    l.functional_currency,
    l.transaction_currency,
    l.amount_transaction,
    l.amount_functional,
    {{ money('l.amount_group - coalesce(r.residual, 0)') }} as amount_group,
    l.voucher_id in (select voucher_id from profit_closing_vouchers) as is_profit_closing
from lines as l
left join account_classes as c on c.account_code = l.account_code
left join residual_lines as r on r.gl_line_id = l.gl_line_id
left join {{ ref('intercompany_counterparties') }} as ic
    on ic.party_code = l.party_code
    and ic.counterparty_entity_code is not null
    -- an entity booking against itself is no intercompany trade
    and ic.counterparty_entity_code <> l.entity_code
