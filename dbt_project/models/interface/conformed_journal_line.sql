-- The standard interface of journal_line: every registered source's stg_<source>__journal_line, as the contract
-- (_interface.yml) types it. See macros/registry/conformed.sql.
{{ yecai_conformed('journal_line') }}
