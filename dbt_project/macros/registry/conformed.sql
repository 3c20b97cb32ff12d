{#-
  The standard interface of one document (models/interface/conformed_<document>.sql): the union
  of the conforming model `stg_<source>__<document>` of every source the registry says supplies
  it, each column cast to the type of the document's contract (the model's YAML, enforced).

  Before the union is built, each conforming model's columns are checked against the contract,
  and a mismatch stops the build with one message naming the model and every missing, extra or
  mistyped column (see docs/standard-interface.md). A document no source supplies is an empty
  relation of the contract's shape, so everything built on it still builds.
-#}
{% macro yecai_conformed(document) -%}
{%- set suppliers = yecai_suppliers(document) -%}
{%- set relations = [] -%}
{%- for source in suppliers -%}
    {%- do relations.append(ref('stg_' ~ source ~ '__' ~ document)) -%}
{%- endfor -%}
{%- set columns = model.columns.values() | list -%}
{%- if not execute or not columns -%}
    {#- parsing: only the refs above matter -#}
select 1 as parsing
{%- else -%}
{%- for relation in relations -%}
    {{ yecai_check_conforming(document, relation, columns) }}
{%- endfor -%}
{%- if not relations %}
-- no registered source supplies {{ document }}
select
    {%- for column in columns %}
    cast(null as {{ column.data_type }}) as {{ adapter.quote(column.name) }}{{ "," if not loop.last }}
    {%- endfor %}
where false
{%- endif %}
{%- for relation in relations %}
select
    {%- for column in columns %}
    cast({{ adapter.quote(column.name) }} as {{ column.data_type }}) as {{ adapter.quote(column.name) }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ relation }}
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endif -%}
{%- endmacro %}

{#- The family of a data type, for comparing a conforming model's column with the contract:
    a conforming model may use any width of the same family (bigint for integer, decimal(18,4)
    for decimal(18,2)); it must cast anything else itself. -#}
{% macro yecai_type_family(data_type) -%}
{%- set t = (data_type or '') | lower | trim -%}
{%- if t.startswith('decimal') or t.startswith('numeric') -%}{{ return('decimal') }}
{%- elif t in ('tinyint', 'smallint', 'integer', 'int', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'int4', 'int8', 'int2') -%}{{ return('integer') }}
{%- elif t in ('float', 'double', 'real', 'float4', 'float8') -%}{{ return('float') }}
{%- elif t.startswith('varchar') or t.startswith('character') or t in ('text', 'string', 'char') -%}{{ return('varchar') }}
{%- elif t == 'date' -%}{{ return('date') }}
{%- elif t.startswith('timestamp') -%}{{ return('timestamp') }}
{%- elif t in ('boolean', 'bool') -%}{{ return('boolean') }}
{%- else -%}{{ return(t) }}
{%- endif -%}
{%- endmacro %}

{#- Stop the build when `relation` (a conforming model) does not have exactly the contract's
    columns in types of the contract's families; an integer column may feed a decimal one. -#}
{% macro yecai_check_conforming(document, relation, columns) -%}
{%- set actual = {} -%}
{%- for column in adapter.get_columns_in_relation(relation) -%}
    {%- do actual.update({column.name | lower: column.data_type}) -%}
{%- endfor -%}
{%- set problems = [] -%}
{%- set expected = [] -%}
{%- for column in columns -%}
    {%- set name = column.name | lower -%}
    {%- do expected.append(name) -%}
    {%- if name not in actual -%}
        {%- do problems.append("missing column " ~ name ~ " (" ~ column.data_type ~ ")") -%}
    {%- else -%}
        {%- set want = yecai_type_family(column.data_type) -%}
        {%- set got = yecai_type_family(actual[name]) -%}
        {%- if want != got and not (want == 'decimal' and got == 'integer') -%}
            {%- do problems.append("column " ~ name ~ " is " ~ actual[name] ~ ", the interface wants " ~ column.data_type) -%}
        {%- endif -%}
    {%- endif -%}
{%- endfor -%}
{%- for name in actual if name not in expected -%}
    {%- do problems.append("extra column " ~ name ~ " (not in the interface)") -%}
{%- endfor -%}
{%- if problems -%}
    {{ exceptions.raise_compiler_error(
        relation.identifier ~ " does not conform to the standard interface of " ~ document ~ ": "
        ~ problems | join("; ")
        ~ ". Fix the model (cast, rename or drop columns); the interface is in docs/standard-interface.md") }}
{%- endif -%}
{%- endmacro %}
