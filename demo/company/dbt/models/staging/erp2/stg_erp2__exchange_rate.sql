-- exchange_rate (standard interface) from SimpleBooks, which quotes SGD per unit of a currency.
-- With its CNY (group currency) quote of the same day this gives rates into the group currency:
-- SGD itself = 1 / sgd_rate(CNY), another currency X = sgd_rate(X) / sgd_rate(CNY).
with rates as (
    select * from {{ ref('stg_erp2__fx_rates') }}
),

group_quote as (
    select rate_date, sgd_rate from rates where currency = '{{ var("group_currency") }}' and sgd_rate > 0
)

select
    'SGD' as from_currency,
    '{{ var("group_currency") }}' as to_currency,
    group_quote.rate_date,
    cast(1 / group_quote.sgd_rate as decimal(18, 8)) as rate,
    quote.source_system,
    quote.source_document_id,
    quote.batch_id
from group_quote
inner join rates as quote
    on quote.rate_date = group_quote.rate_date and quote.currency = '{{ var("group_currency") }}'

union all

select
    quote.currency as from_currency,
    '{{ var("group_currency") }}' as to_currency,
    quote.rate_date,
    cast(quote.sgd_rate / group_quote.sgd_rate as decimal(18, 8)) as rate,
    quote.source_system,
    quote.source_document_id,
    quote.batch_id
from rates as quote
inner join group_quote on group_quote.rate_date = quote.rate_date
where quote.currency not in ('{{ var("group_currency") }}', 'SGD')
