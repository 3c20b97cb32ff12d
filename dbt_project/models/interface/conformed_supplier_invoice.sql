-- The standard interface of supplier_invoice: every registered source's stg_<source>__supplier_invoice, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('supplier_invoice') }}
