-- The standard interface of account: every registered source's stg_<source>__account, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('account') }}
