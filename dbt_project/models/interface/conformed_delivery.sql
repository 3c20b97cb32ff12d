-- The standard interface of delivery: every registered source's stg_<source>__delivery, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('delivery') }}
