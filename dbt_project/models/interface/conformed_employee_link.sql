-- The standard interface of employee_link: every registered source's stg_<source>__employee_link, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('employee_link') }}
