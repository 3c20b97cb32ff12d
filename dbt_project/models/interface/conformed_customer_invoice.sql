-- The standard interface of customer_invoice: every registered source's stg_<source>__customer_invoice, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('customer_invoice') }}
