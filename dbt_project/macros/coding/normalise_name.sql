{#-
  Company-name normalisation for matching parties across systems when no valid USCC is present.

  People type the same legal name in many ways (see the demo's cross_system_alias defects):
  - full-width characters from a Chinese IME (ＡＢＣ１２３（）) vs half-width (ABC123());
  - 有限责任公司 vs 有限公司 and 股份有限公司 vs 股份公司 (legal-form spellings), and the English
    equivalents (Co., Ltd. / Company Limited / Pte. Ltd. / Pte Ltd);
  - stray spaces (including the ideographic space U+3000) anywhere in the name;
  - Latin letters in the other case.
  The normalised form removes these differences and nothing else, so two names that normalise
  equal are spellings of the same company name.
-#}

{#- U+FF01..U+FF5E become U+0021..U+007E and U+3000 (ideographic space) a plain space.
    The quote character is left out: it would end the SQL literal (and is removed later). -#}
{% macro fullwidth_to_halfwidth(column) -%}
{%- set ns = namespace(full='', half='') -%}
{%- for cp in range(33, 127) if cp != 39 -%}
  {%- set ns.full = ns.full ~ ("%c" % (cp + 65248)) -%}
  {%- set ns.half = ns.half ~ ("%c" % cp) -%}
{%- endfor -%}
translate({{ column }}, '{{ ns.full }}{{ "%c" % 12288 }}', '{{ ns.half }} ')
{%- endmacro %}

{% macro normalise_company_name(column) -%}
{#- Order matters: widths first (so （ becomes ( before punctuation goes), then case, then
    legal-form spellings, then everything that is not a letter, digit or CJK character. -#}
regexp_replace(
    replace(replace(replace(replace(replace(replace(replace(
        lower({{ fullwidth_to_halfwidth(column) }}),
        '有限责任公司', '有限公司'),
        '股份有限公司', '有限公司'),
        '股份公司', '有限公司'),
        'company limited', 'coltd'),
        'co., ltd', 'coltd'),
        'co.,ltd', 'coltd'),
        'co. ltd', 'coltd'),
    '[\s\.,;:''"()\[\]{}\-_&/·、，。（）]+', '', 'g'
)
{%- endmacro %}
