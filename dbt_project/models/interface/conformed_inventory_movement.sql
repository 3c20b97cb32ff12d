-- The standard interface of inventory_movement: every registered source's stg_<source>__inventory_movement, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('inventory_movement') }}
