-- Rates into CNY are positive and within a sane band for the currencies the group trades in
-- (guards against a source quoting the other way round without being inverted).
select *
from {{ ref('exchange_rate') }}
where rate <= 0
   or (from_currency in ('USD', 'EUR', 'SGD') and (rate < 1 or rate > 20))
   or (from_currency = 'HKD' and (rate < 0.5 or rate > 2))
