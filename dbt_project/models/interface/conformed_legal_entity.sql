-- The standard interface of legal_entity: every registered source's stg_<source>__legal_entity, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('legal_entity') }}
