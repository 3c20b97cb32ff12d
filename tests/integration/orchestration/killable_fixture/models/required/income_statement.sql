select
    'e' as entity_code, '2025-01' as period, 'l' as line_code, 'z' as line_name_zh,
    'n' as line_name_en, cast(0 as decimal(18, 2)) as amount,
    cast(0 as decimal(18, 2)) as comparative_amount
where false
