-- The standard interface of opportunity: every registered source's stg_<source>__opportunity, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('opportunity') }}
