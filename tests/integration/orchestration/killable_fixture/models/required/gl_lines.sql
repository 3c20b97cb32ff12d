-- The tables every publish audits (quality/suites), empty: this fixture keeps no books.
select
    'v' as voucher_id, 'e' as entity_code, '2025-01' as period, 'a' as account_code,
    cast(0 as decimal(18, 2)) as debit, cast(0 as decimal(18, 2)) as credit,
    's' as source_system, 'd' as source_document_id, 'b' as batch_id
where false
