{#-
  GB 32100-2015 unified social credit code (统一社会信用代码) check.

  18 characters from a 31-character set (digits and upper-case letters without I, O, Z, S, V).
  The 18th character is the check character: with value(c) its position in the set and
  weight(i) = 3^(i-1) mod 31 for positions i = 1..17,
      check = (31 - Σ value(c_i) · weight(i) mod 31) mod 31.
  The expression below is plain SQL (instr, substr, arithmetic), so it ports to other engines.
-#}

{% macro uscc_charset() -%}
'0123456789ABCDEFGHJKLMNPQRTUWXY'
{%- endmacro %}

{#- The code as it should be compared: trimmed, upper case, full-width digits/letters made half-width. -#}
{% macro clean_uscc(column) -%}
nullif(upper(trim({{ fullwidth_to_halfwidth(column) }})), '')
{%- endmacro %}

{#- True when `column` (already cleaned) is a well-formed USCC with the right check character;
    false for anything else, including null. -#}
{% macro is_valid_uscc(column) -%}
{%- set weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] -%}
coalesce(
    length({{ column }}) = 18
    and regexp_full_match({{ column }}, '[0-9A-HJ-NP-RTUW-Y]{18}')
    and substr({{ uscc_charset() }}, cast((31 - ((
        {%- for w in weights %}
        (instr({{ uscc_charset() }}, substr({{ column }}, {{ loop.index }}, 1)) - 1) * {{ w }}{{ " +" if not loop.last }}
        {%- endfor %}
    ) % 31)) % 31 as integer) + 1, 1) = substr({{ column }}, 18, 1),
    false
)
{%- endmacro %}
