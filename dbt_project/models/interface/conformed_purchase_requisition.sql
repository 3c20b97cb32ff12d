-- The standard interface of purchase_requisition: every registered source's stg_<source>__purchase_requisition, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('purchase_requisition') }}
