-- The standard interface of org_unit: every registered source's stg_<source>__org_unit, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('org_unit') }}
