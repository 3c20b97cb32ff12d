{#- The fiscal-period range a run was asked to rebuild, from the vars orchestration sets
    (`period_from`/`period_to`, 'YYYY-MM', inclusive; see orchestration/README.md). Returns
    none when neither is given (the model builds what changed, or everything), and stops the
    run with a clear message when only one is given or one is not a period: a half-given range
    must not silently become "everything". -#}
{% macro fiscal_period_range() -%}
    {%- set first = var('period_from', none) -%}
    {%- set last = var('period_to', none) -%}
    {%- if first is none and last is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if first is none or last is none -%}
        {{ exceptions.raise_compiler_error(
            "vars period_from and period_to go together (got period_from=" ~ first
            ~ ", period_to=" ~ last ~ "): give both, as YYYY-MM, or neither") }}
    {%- endif -%}
    {%- for value in [first, last] -%}
        {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', value | string) -%}
            {{ exceptions.raise_compiler_error(
                "var period_from/period_to " ~ value ~ " is not a fiscal period: write it as YYYY-MM, e.g. 2025-03") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if first > last -%}
        {{ exceptions.raise_compiler_error(
            "period_from " ~ first ~ " comes after period_to " ~ last ~ ": give the earlier period first") }}
    {%- endif -%}
    {{ return([first | string, last | string]) }}
{%- endmacro %}
