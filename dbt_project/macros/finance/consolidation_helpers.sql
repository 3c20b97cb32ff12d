{#- Helpers of the GROUP consolidation (models/marts/finance/consolidation). -#}

{#- The closing rate (期末汇率) of every currency at every period end the books reach: units of the
    group currency per unit of the currency, the rate valid on the period's last day. -#}
{% macro period_closing_rates() -%}
select p.period, r.currency, r.rate as closing_rate
from (select distinct period from {{ ref('trial_balance') }}) as p
join {{ ref('int_exchange_rate_ranges') }} as r
    on {{ period_end_date('p.period') }} >= r.valid_from
    and {{ period_end_date('p.period') }} < r.valid_to
{%- endmacro %}

{#- The account that carries the year's profit before it is closed into 利润分配 (本年利润);
    vouchers that move profit and loss into it (期末结转损益) are no part of the year's profit
    and loss, only of 未分配利润. A company whose chart uses another code sets the var. -#}
{% macro current_year_profit_account() -%}
{{ var('current_year_profit_account', '4103') }}
{%- endmacro %}

{#- The fiscal period one year before a 'YYYY-MM' period expression. -#}
{% macro same_period_last_year(period_expr) -%}
(cast(cast(left({{ period_expr }}, 4) as integer) - 1 as varchar) || substr({{ period_expr }}, 5))
{%- endmacro %}

{#- December of the year before a 'YYYY-MM' period expression. -#}
{% macro last_december(period_expr) -%}
(cast(cast(left({{ period_expr }}, 4) as integer) - 1 as varchar) || '-12')
{%- endmacro %}

{#- The fiscal period one year after a 'YYYY-MM' period expression: where a year's figures are
    the comparative. -#}
{% macro same_period_next_year(period_expr) -%}
(cast(cast(left({{ period_expr }}, 4) as integer) + 1 as varchar) || substr({{ period_expr }}, 5))
{%- endmacro %}

{#- Rows of `relation` (entity_code, period, line_code, raw) as statement details: this
    period's figure in raw_amount, and the same figure again a year later as raw_comparative
    (上年同期). -#}
{% macro with_comparatives_a_year_later(relation) -%}
select entity_code, period, line_code, raw as raw_amount, cast(null as decimal(38, 2)) as raw_comparative
from {{ relation }}
union all
select entity_code, {{ same_period_next_year('period') }}, line_code, null, raw
from {{ relation }}
{%- endmacro %}
