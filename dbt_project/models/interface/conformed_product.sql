-- The standard interface of product: every registered source's stg_<source>__product, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('product') }}
