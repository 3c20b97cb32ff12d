-- The standard interface of purchase_order: every registered source's stg_<source>__purchase_order, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('purchase_order') }}
