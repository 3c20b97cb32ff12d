-- The standard interface of party: every registered source's stg_<source>__party, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('party') }}
