-- exchange_rate (standard interface): the group ERP's rate table as it quotes it (units of
-- to_currency per one from_currency); yecai turns it into rates into the group currency.
select
    from_currency,
    to_currency,
    rate_date,
    rate,
    source_system,
    source_document_id,
    batch_id
from {{ ref('stg_erp__exchange_rates') }}
