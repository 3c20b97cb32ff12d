select
    'e' as entity_code, '2025-01' as period, 'a' as account_code,
    cast(0 as decimal(18, 2)) as opening_balance, cast(0 as decimal(18, 2)) as debit,
    cast(0 as decimal(18, 2)) as credit, cast(0 as decimal(18, 2)) as closing_balance
where false
