-- The standard interface of journal_voucher: every registered source's stg_<source>__journal_voucher, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('journal_voucher') }}
