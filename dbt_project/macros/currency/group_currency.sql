{#-
  Currency conversion for canonical documents (see the canonical_interface docs block).

  Rates come from `int_exchange_rate_ranges`: per currency, the rate into CNY valid from one
  rate date to the next, plus CNY itself at 1 (`identity`). A document converts at the rate
  valid on its conversion date (document date for flows, period end for balances).

  Two cases:
  - documents (default): amounts are in the transaction currency. The functional amount uses
    the document's own booking rate when the source has one (so it equals what the ERP booked),
    else the cross rate through CNY. The group amount is the functional amount for CNY
    entities, the transaction amount for CNY documents, else amount × rate(tc → CNY).
  - booked ledger lines (`booked_functional=true`): the functional amount is the ledger's own
    and is never recomputed; the group amount converts it at rate(functional → CNY).

  Usage: in the final select of a model whose CTE `alias` has transaction_currency,
  functional_currency, the amounts (and for documents optionally document_rate), write
  `{{ group_currency_columns([...], 'order_date') }}` in the select list and
  `{{ group_currency_joins('order_date') }}` after `from <cte> as <alias>`.
-#}

{% macro group_currency_joins(date_column, alias='doc') -%}
left join {{ ref('int_exchange_rate_ranges') }} as tc_rate
    on tc_rate.currency = {{ alias }}.transaction_currency
    and {{ alias }}.{{ date_column }} >= tc_rate.valid_from
    and {{ alias }}.{{ date_column }} < tc_rate.valid_to
left join {{ ref('int_exchange_rate_ranges') }} as fc_rate
    on fc_rate.currency = {{ alias }}.functional_currency
    and {{ alias }}.{{ date_column }} >= fc_rate.valid_from
    and {{ alias }}.{{ date_column }} < fc_rate.valid_to
{%- endmacro %}

{% macro _money(expression) -%}
cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- An amount widened before it meets a rate: DuckDB keeps decimal(18,2) × decimal(18,8) in
    64 bits and overflows on amounts above about 10^8; 38 digits keep the product exact. -#}
{% macro _wide(expression) -%}
cast({{ expression }} as decimal(38, 2))
{%- endmacro %}

{% macro group_currency_columns(amounts, date_column, alias='doc', document_rate=none, booked_functional=false) -%}
{%- set group = var('group_currency') -%}
{%- set tc = alias ~ '.transaction_currency' -%}
{%- set fc = alias ~ '.functional_currency' -%}
{%- set doc_rate = (alias ~ '.' ~ document_rate) if document_rate else 'cast(null as decimal(18, 8))' -%}
{%- for amount in amounts %}
    {%- set x = alias ~ '.' ~ amount %}
    {%- if booked_functional %}
    {%- set functional = x ~ '_functional' %}
    {{ functional }} as {{ amount }}_functional,
    case
        when {{ fc }} = '{{ group }}' then {{ functional }}
        else {{ _money(_wide(functional) ~ ' * fc_rate.rate') }}
    end as {{ amount }}_group,
    {%- else %}
    {%- set functional -%}
    case
        when {{ tc }} = {{ fc }} then {{ x }}
        when {{ doc_rate }} is not null then {{ _money(_wide(x) ~ ' * ' ~ doc_rate) }}
        else {{ _money(_wide(x) ~ ' * tc_rate.rate / fc_rate.rate') }}
    end
    {%- endset %}
    {{ functional }} as {{ amount }}_functional,
    case
        when {{ tc }} = '{{ group }}' then {{ x }}
        when {{ fc }} = '{{ group }}' then {{ functional }}
        else {{ _money(_wide(x) ~ ' * tc_rate.rate') }}
    end as {{ amount }}_group,
    {%- endif %}
{%- endfor %}
{%- if booked_functional %}
    cast(case when {{ fc }} = '{{ group }}' then 1 else fc_rate.rate end as decimal(18, 8)) as rate_to_group,
    case when {{ fc }} = '{{ group }}' then {{ alias }}.{{ date_column }} else fc_rate.rate_date end as rate_date,
    case when {{ fc }} = '{{ group }}' then 'identity' else fc_rate.rate_source end as rate_source
{%- else %}
    cast(case
        when {{ tc }} = '{{ group }}' then 1
        when {{ fc }} = '{{ group }}' and {{ doc_rate }} is not null then {{ doc_rate }}
        else tc_rate.rate
    end as decimal(18, 8)) as rate_to_group,
    case
        when {{ tc }} = '{{ group }}' then {{ alias }}.{{ date_column }}
        when {{ fc }} = '{{ group }}' and {{ doc_rate }} is not null then {{ alias }}.{{ date_column }}
        else tc_rate.rate_date
    end as rate_date,
    case
        when {{ tc }} = '{{ group }}' then 'identity'
        when {{ fc }} = '{{ group }}' and {{ doc_rate }} is not null then {{ alias }}.source_system || '.document_rate'
        else tc_rate.rate_source
    end as rate_source
{%- endif %}
{%- endmacro %}
