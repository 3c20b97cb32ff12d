-- Every aging row: the buckets plus unapplied settlements make up total_open.
select 'ar' as ledger, *
from {{ ref('ar_aging') }}
where current_amount + days_1_30 + days_31_60 + days_61_90 + days_91_180 + days_over_180
    + unapplied_amount <> total_open
union all
select 'ap' as ledger, *
from {{ ref('ap_aging') }}
where current_amount + days_1_30 + days_31_60 + days_61_90 + days_91_180 + days_over_180
    + unapplied_amount <> total_open
