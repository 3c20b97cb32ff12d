-- A general ledger missing most of the columns the marts quality suite requires: its
-- blocking checks fail, which is what the blocking-gate test needs.
select
    'JV1' as voucher_id,
    cast(100.00 as decimal(18, 2)) as debit,
    cast(0.00 as decimal(18, 2)) as credit
