-- The standard interface of goods_receipt: every registered source's stg_<source>__goods_receipt, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('goods_receipt') }}
