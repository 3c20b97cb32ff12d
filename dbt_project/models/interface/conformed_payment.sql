-- The standard interface of payment: every registered source's stg_<source>__payment, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('payment') }}
