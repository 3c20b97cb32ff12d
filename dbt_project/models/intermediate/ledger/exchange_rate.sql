-- Exchange rates into the group currency from every ERP. A source that quotes the other way
-- round (CNY → X) is inverted so every row reads "CNY per 1 unit of from_currency".
with erp_rates as (
    select * from {{ ref('stg_erp__exchange_rates') }}
),

-- SimpleBooks quotes SGD per unit of a currency. With its CNY quote of the same day this gives
-- CNY per unit: SGD itself = 1 / sgd_rate(CNY), another currency X = sgd_rate(X) / sgd_rate(CNY).
erp2_rates as (
    select * from {{ ref('stg_erp2__fx_rates') }}
),

erp2_cny as (
    select rate_date, sgd_rate from erp2_rates where currency = '{{ var("group_currency") }}' and sgd_rate > 0
),

erp2_into_group as (
    select
        'SGD' as from_currency,
        erp2_cny.rate_date,
        cast(1 / erp2_cny.sgd_rate as decimal(18, 8)) as rate,
        cny_quote.source_system,
        cny_quote.source_document_id,
        cny_quote.batch_id
    from erp2_cny
    inner join erp2_rates as cny_quote
        on cny_quote.rate_date = erp2_cny.rate_date and cny_quote.currency = '{{ var("group_currency") }}'

    union all

    select
        quote.currency as from_currency,
        quote.rate_date,
        cast(quote.sgd_rate / erp2_cny.sgd_rate as decimal(18, 8)) as rate,
        quote.source_system,
        quote.source_document_id,
        quote.batch_id
    from erp2_rates as quote
    inner join erp2_cny on erp2_cny.rate_date = quote.rate_date
    where quote.currency not in ('{{ var("group_currency") }}', 'SGD')
),

into_group as (
    select
        from_currency,
        rate_date,
        rate,
        source_system,
        source_document_id,
        batch_id
    from erp_rates
    where to_currency = '{{ var("group_currency") }}'
      and from_currency <> '{{ var("group_currency") }}'

    union all

    select
        to_currency as from_currency,
        rate_date,
        cast(1 / rate as decimal(18, 8)) as rate,
        source_system,
        source_document_id,
        batch_id
    from erp_rates
    where from_currency = '{{ var("group_currency") }}'
      and to_currency <> '{{ var("group_currency") }}'
      and rate > 0

    union all

    select * from erp2_into_group
)

select
    source_system || ':' || source_document_id || ':' || from_currency as exchange_rate_key,
    from_currency,
    '{{ var("group_currency") }}' as to_currency,
    rate_date,
    rate,
    'spot' as rate_type,
    source_system,
    source_document_id,
    batch_id
from into_group
