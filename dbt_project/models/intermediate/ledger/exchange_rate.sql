-- Exchange rates into the group currency, from every source that supplies exchange_rate. A
-- source quotes units of to_currency per one from_currency; a quote the other way round
-- (group currency → X) is inverted, so every row reads "group currency per 1 unit of
-- from_currency". Quotes between two other currencies are the source's to turn into the group
-- currency (in its conforming model); they are left out here.
with quotes as (
    select * from {{ ref('conformed_exchange_rate') }}
),

into_group as (
    select
        from_currency,
        rate_date,
        rate,
        source_system,
        source_document_id,
        batch_id
    from quotes
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
    from quotes
    where from_currency = '{{ var("group_currency") }}'
      and to_currency <> '{{ var("group_currency") }}'
      and rate > 0
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
