-- The standard interface of employee: every registered source's stg_<source>__employee, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('employee') }}
