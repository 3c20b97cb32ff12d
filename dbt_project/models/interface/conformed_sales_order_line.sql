-- The standard interface of sales_order_line: every registered source's stg_<source>__sales_order_line, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('sales_order_line') }}
