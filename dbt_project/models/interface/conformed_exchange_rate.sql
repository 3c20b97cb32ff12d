-- The standard interface of exchange_rate: every registered source's stg_<source>__exchange_rate, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('exchange_rate') }}
