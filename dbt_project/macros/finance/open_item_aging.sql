{#- Open-item aging shared by AR and AP. Invoices in order of date are matched against the
    running total of settlements (FIFO): an invoice is open for the part of the cumulative
    invoiced amount that settlements up to the period end have not reached. -#}
{% macro open_item_aging(documents_model, document_key, document_date, settlements_model, settlement_date) %}
with invoices as (
    select
        legal_entity_code as entity_code,
        coalesce(party_code, party_source_code, '?') as party_code,
        {{ document_key }} as document_key,
        {{ document_date }} as document_date,
        coalesce(due_date, {{ document_date }}) as due_date,
        gross_amount_functional as amount,
        sum(gross_amount_functional) over (
            partition by legal_entity_code, coalesce(party_code, party_source_code, '?')
            order by {{ document_date }}, {{ document_key }}
            rows between unbounded preceding and current row
        ) as cumulative_invoiced
    from {{ ref(documents_model) }}
),

settlements as (
    select
        legal_entity_code as entity_code,
        coalesce(party_code, party_source_code, '?') as party_code,
        {{ settlement_date }} as settlement_date,
        amount_functional as amount
    from {{ ref(settlements_model) }}
),

period_ends as (
    select distinct period, {{ period_end_date('period') }} as as_of_date
    from {{ ref('trial_balance') }}
),

parties as (
    select distinct entity_code, party_code from invoices
    union
    select distinct entity_code, party_code from settlements
),

settled_to_date as (
    select p.period, p.as_of_date, pa.entity_code, pa.party_code, coalesce(sum(s.amount), 0) as settled
    from period_ends as p
    cross join parties as pa
    left join settlements as s
        on s.entity_code = pa.entity_code and s.party_code = pa.party_code
        and s.settlement_date <= p.as_of_date
    group by 1, 2, 3, 4
),

invoiced_to_date as (
    select p.period, i.entity_code, i.party_code, sum(i.amount) as invoiced
    from period_ends as p
    join invoices as i on i.document_date <= p.as_of_date
    group by 1, 2, 3
),

open_items as (
    select
        s.period,
        s.as_of_date,
        i.entity_code,
        i.party_code,
        date_diff('day', i.due_date, s.as_of_date) as days_past_due,
        greatest(0, least(i.amount, i.cumulative_invoiced - s.settled)) as open_amount
    from settled_to_date as s
    join invoices as i
        on i.entity_code = s.entity_code and i.party_code = s.party_code
        and i.document_date <= s.as_of_date
),

buckets as (
    select
        period, as_of_date, entity_code, party_code,
        sum(open_amount) filter (where days_past_due <= 0) as current_amount,
        sum(open_amount) filter (where days_past_due between 1 and 30) as days_1_30,
        sum(open_amount) filter (where days_past_due between 31 and 60) as days_31_60,
        sum(open_amount) filter (where days_past_due between 61 and 90) as days_61_90,
        sum(open_amount) filter (where days_past_due between 91 and 180) as days_91_180,
        sum(open_amount) filter (where days_past_due > 180) as days_over_180
    from open_items
    group by 1, 2, 3, 4
)

select
    s.entity_code,
    s.period,
    s.as_of_date,
    s.party_code,
    {{ money('coalesce(b.current_amount, 0)') }} as current_amount,
    {{ money('coalesce(b.days_1_30, 0)') }} as days_1_30,
    {{ money('coalesce(b.days_31_60, 0)') }} as days_31_60,
    {{ money('coalesce(b.days_61_90, 0)') }} as days_61_90,
    {{ money('coalesce(b.days_91_180, 0)') }} as days_91_180,
    {{ money('coalesce(b.days_over_180, 0)') }} as days_over_180,
    -- settlements beyond everything invoiced so far (an advance or an overpayment)
    {{ money('least(0, coalesce(iv.invoiced, 0) - s.settled)') }} as unapplied_amount,
    {{ money('coalesce(iv.invoiced, 0) - s.settled') }} as total_open
from settled_to_date as s
left join buckets as b
    on b.period = s.period and b.entity_code = s.entity_code and b.party_code = s.party_code
left join invoiced_to_date as iv
    on iv.period = s.period and iv.entity_code = s.entity_code and iv.party_code = s.party_code
where coalesce(iv.invoiced, 0) <> 0 or s.settled <> 0
{% endmacro %}
