-- Which rate into the group currency applies on a given day: each rate is valid from its date until the next
-- rate of the same currency (a document dated between two rate dates uses the earlier one).
-- When two sources quote the same currency on the same day, the one with the best precedence
-- of domain `exchange_rate` in seed master_data_rules wins (the group treasury's rate; then by
-- source name). The group currency itself is always 1 (`identity`).
with rates as (
    select * from {{ ref('exchange_rate') }}
),

rules as (
    select source_system, precedence
    from {{ ref('master_data_rules') }}
    where domain = 'exchange_rate'
),

preferred as (
    select
        from_currency as currency,
        rate_date,
        rate,
        rates.source_system || '.exchange_rates:' || rates.rate_type as rate_source,
        row_number() over (
            partition by from_currency, rate_date
            order by coalesce(rules.precedence, 999999), rates.source_system
        ) as preference
    from rates
    left join rules on rules.source_system = rates.source_system
),

one_per_day as (
    select currency, rate_date, rate, rate_source
    from preferred
    where preference = 1
),

ranges as (
    select
        currency,
        rate_date,
        rate,
        rate_source,
        rate_date as valid_from,
        coalesce(
            lead(rate_date) over (partition by currency order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to
    from one_per_day
)

select currency, rate_date, rate, rate_source, valid_from, valid_to from ranges

union all

select
    '{{ var("group_currency") }}' as currency,
    cast('1900-01-01' as date) as rate_date,
    cast(1 as decimal(18, 8)) as rate,
    'identity' as rate_source,
    cast('1900-01-01' as date) as valid_from,
    cast('9999-12-31' as date) as valid_to
