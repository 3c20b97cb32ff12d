{#- One row per entity × period: how many exceptions of each kind, and the net difference,
    for the governance team's sign-off of a period. -#}

select
    entity_code,
    period,
    count(*) as exception_count,
    count(*) filter (where exception_type = 'missing_booking') as missing_booking_count,
    count(*) filter (where exception_type = 'booked_without_document') as booked_without_document_count,
    count(*) filter (where exception_type = 'amount_differs') as amount_differs_count,
    count(*) filter (where exception_type = 'account_differs') as account_differs_count,
    count(*) filter (where check_level = 'voucher') as held_out_voucher_count,
    count(*) filter (where check_level = 'posting_rule') as posting_rule_count,
    count(*) filter (where check_level = 'control_account') as control_account_count,
    {{ money("sum(case when check_level = 'document' then difference_amount else 0 end)") }}
        as document_difference_amount
from {{ ref('reconciliation_exceptions') }}
group by entity_code, period
