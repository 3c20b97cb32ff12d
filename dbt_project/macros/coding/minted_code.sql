{#- The unified code minted for a record no rule matched, when seed master_data_rules says
    `mint` for its source (`rules_alias` is that seed's row joined to the record): mint_prefix +
    the record's own code, or, without a prefix, the source name in capitals and a dash. Null
    when the rule is `exception` (the default): the record stays unmapped and is reported. -#}
{% macro minted_code(rules_alias, source_system, source_code) -%}
case when {{ rules_alias }}.on_no_match = 'mint'
    then coalesce(nullif({{ rules_alias }}.mint_prefix, ''), upper({{ source_system }}) || '-') || {{ source_code }}
end
{%- endmacro %}
