-- The standard interface of receipt: every registered source's stg_<source>__receipt, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('receipt') }}
