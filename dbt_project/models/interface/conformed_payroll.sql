-- The standard interface of payroll: every registered source's stg_<source>__payroll, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('payroll') }}
