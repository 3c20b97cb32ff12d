-- The standard interface of budget: every registered source's stg_<source>__budget, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('budget') }}
