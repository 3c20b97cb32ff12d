-- Every record the unified coding could not map, or found invalid, with its reason: the input
-- of governance.master_data_exceptions. One CTE per kind of finding; `entity` and `code` are the
-- source entity and the record's source primary key (the raw zone's _source_pk), so the
-- governance team can find the record in its own system.
with parties as (
    select * from {{ ref('party') }}
),

party_crosswalk as (
    select * from {{ ref('party_crosswalk') }}
),

invalid_uscc as (
    select
        source_system,
        source_entity as entity,
        source_document_id as code,
        'invalid_uscc' as kind,
        'unified social credit code ' || unified_social_credit_code
            || ' fails the GB 32100-2015 check (length, character set or check digit); '
            || 'matched by name instead — correct the code in the source system' as reason,
        batch_id,
        'uscc_check' as rule
    from parties
    where unified_social_credit_code is not null
      and not uscc_is_valid
),

-- Two records of the same entity in the same system that are one company: the later is a
-- duplicate of the first (lowest code) — merge or block it in the source.
duplicate_parties as (
    select
        duplicate.source_system,
        duplicate.source_entity as entity,
        parties.source_document_id as code,
        'duplicate_row' as kind,
        'same company as ' || duplicate.survivor_code || ' (' || duplicate.match_method
            || ' match) in ' || duplicate.source_system || '.' || duplicate.source_entity
            || ' — merge the two records in the source system' as reason,
        duplicate.batch_id,
        'party_duplicates' as rule
    from (
        select
            *,
            first_value(party_source_code) over (
                partition by unified_party_code, source_system, source_entity order by party_source_code
            ) as survivor_code
        from party_crosswalk
    ) as duplicate
    inner join parties on parties.party_key = duplicate.party_key
    where duplicate.party_source_code <> duplicate.survivor_code
),

unmapped_accounts as (
    select
        accounts.source_system,
        entities.source_entity as entity,
        accounts.source_document_id as code,
        'unmapped_code' as kind,
        'local account ' || accounts.account_source_code || ' (' || accounts.account_name || ') of company '
            || accounts.source_company_code || ' has no group account — add it to seed account_mapping' as reason,
        accounts.batch_id,
        'account_mapping' as rule
    from {{ ref('account_crosswalk') }} as crosswalk
    inner join {{ ref('account') }} as accounts on accounts.account_key = crosswalk.account_key
    left join {{ ref('canonical_source_entities') }} as entities
        on entities.canonical_model = 'account' and entities.source_system = accounts.source_system
    where crosswalk.mapping_status = 'unmapped'
),

unmapped_product_categories as (
    select
        products.source_system,
        entities.source_entity as entity,
        products.source_document_id as code,
        'unmapped_code' as kind,
        'product category ' || coalesce(products.product_category, '(blank)') || ' of product '
            || products.product_source_code || ' has no group category — add it to seed product_category_map'
            as reason,
        products.batch_id,
        'product_category_mapping' as rule
    from {{ ref('product_crosswalk') }} as crosswalk
    inner join {{ ref('product') }} as products on products.product_key = crosswalk.product_key
    left join {{ ref('canonical_source_entities') }} as entities
        on entities.canonical_model = 'product' and entities.source_system = products.source_system
    where crosswalk.group_category_code is null
),

unmapped_products as (
    select
        products.source_system,
        entities.source_entity as entity,
        products.source_document_id as code,
        'unmapped_code' as kind,
        'product ' || products.product_source_code || ' (' || products.product_name
            || ') matches no group product — add it to seed product_code_map' as reason,
        products.batch_id,
        'product_code_mapping' as rule
    from {{ ref('product_crosswalk') }} as crosswalk
    inner join {{ ref('product') }} as products on products.product_key = crosswalk.product_key
    left join {{ ref('canonical_source_entities') }} as entities
        on entities.canonical_model = 'product' and entities.source_system = products.source_system
    where crosswalk.unified_product_code is null
),

unmapped_employees as (
    select
        people.source_system,
        people.source_entity as entity,
        people.source_document_id as code,
        'unmapped_code' as kind,
        'person ' || people.employee_source_code || ' (' || people.employee_name
            || ') links to no HR employee (no HR link, employee number or unique e-mail) — '
            || 'record the user in the HR export' as reason,
        people.batch_id,
        'employee_link' as rule
    from {{ ref('employee_crosswalk') }} as crosswalk
    inner join {{ ref('employee') }} as people on people.employee_key = crosswalk.employee_key
    where crosswalk.unified_employee_code is null
),

missing_departments as (
    select
        people.source_system,
        people.source_entity as entity,
        people.source_document_id as code,
        'missing_key' as kind,
        'employee ' || people.employee_source_code || ' has no department code in the latest HR export'
            || ' — fill 部门编码' as reason,
        people.batch_id,
        'employee_department' as rule
    from {{ ref('employee') }} as people
    inner join {{ ref('employee_crosswalk') }} as crosswalk
        on crosswalk.employee_key = people.employee_key
    -- Only the system of record (HR) owes a department; ERP and CRM users carry none.
    where crosswalk.match_method = 'system_of_record'
      and people.org_unit_source_code is null
),

unmapped_org_units as (
    select
        units.source_system,
        units.source_entity as entity,
        units.source_document_id as code,
        'unmapped_code' as kind,
        'department ' || units.org_unit_source_code || ' (' || units.org_unit_name
            || ') books to no cost centre — add it to seed org_unit_cost_centre_map' as reason,
        units.batch_id,
        'org_unit_mapping' as rule
    from {{ ref('org_unit_crosswalk') }} as crosswalk
    inner join {{ ref('org_unit') }} as units on units.org_unit_key = crosswalk.org_unit_key
    where crosswalk.unified_org_unit_code is null
),

unmapped_legal_entities as (
    select
        entities.source_system,
        coalesce(source_entities.source_entity, 'companies') as entity,
        entities.source_document_id as code,
        'unmapped_code' as kind,
        'company ' || entities.source_company_code || ' is no group legal entity — add it to seed legal_entity_map'
            as reason,
        entities.batch_id,
        'legal_entity_mapping' as rule
    from {{ ref('legal_entity') }} as entities
    left join {{ ref('canonical_source_entities') }} as source_entities
        on source_entities.canonical_model = 'legal_entity' and source_entities.source_system = entities.source_system
    where entities.legal_entity_code like 'unmapped:%'
),

{%- set party_documents = ['sales_order', 'customer_invoice', 'receipt', 'purchase_order', 'supplier_invoice', 'payment', 'opportunity'] %}

document_party_findings as (
    {%- for model in party_documents %}
    select
        documents.source_system,
        source_entities.source_entity as entity,
        documents.source_document_id as code,
        case when documents.party_source_code is null then 'missing_key' else 'unknown_reference' end as kind,
        case
            when documents.party_source_code is null
                then '{{ model }} has no business partner (customer / vendor / account) — enter it in the source'
            else '{{ model }} names business partner ' || documents.party_source_code
                || ', which its system does not know — correct the reference'
        end as reason,
        documents.batch_id,
        'document_party' as rule
    from {{ ref(model) }} as documents
    left join {{ ref('canonical_source_entities') }} as source_entities
        on source_entities.canonical_model = '{{ model }}' and source_entities.source_system = documents.source_system
    where documents.party_code is null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

-- Journal lines without an account, or with one their chart does not have. (A line on an account
-- that is in the chart but unmapped is covered by that account's own unmapped_code row.)
missing_accounts as (
    select
        lines.source_system,
        source_entities.source_entity as entity,
        lines.source_document_id as code,
        case when lines.account_source_code is null then 'missing_key' else 'unknown_reference' end as kind,
        case
            when lines.account_source_code is null then 'journal line has no account — correct the voucher'
            else 'journal line posts to account ' || lines.account_source_code
                || ', which is not in its chart of accounts — correct the voucher or open the account'
        end as reason,
        lines.batch_id,
        'journal_account' as rule
    from {{ ref('journal_line') }} as lines
    left join {{ ref('account_crosswalk') }} as accounts
        on accounts.source_system = lines.source_system
        and accounts.legal_entity_code = lines.legal_entity_code
        and accounts.account_source_code = lines.account_source_code
    left join {{ ref('canonical_source_entities') }} as source_entities
        on source_entities.canonical_model = 'journal_line' and source_entities.source_system = lines.source_system
    where lines.account_source_code is null
       or accounts.account_key is null
),

{%- set converted = [
    ('sales_order', 'gross_amount', 'order_date'),
    ('customer_invoice', 'gross_amount', 'invoice_date'),
    ('receipt', 'amount', 'receipt_date'),
    ('purchase_order', 'gross_amount', 'order_date'),
    ('supplier_invoice', 'gross_amount', 'invoice_date'),
    ('payment', 'amount', 'payment_date'),
    ('opportunity', 'amount', 'created_date'),
    ('payroll', 'gross_pay', 'pay_date'),
    ('budget', 'amount', 'period_end_date'),
    ('journal_line', 'debit_amount', 'voucher_date'),
] %}

missing_rates as (
    {%- for model, amount, date_column in converted %}
    select
        documents.source_system,
        source_entities.source_entity as entity,
        documents.source_document_id as code,
        'missing_exchange_rate' as kind,
        'no rate into {{ var("group_currency") }} for ' || documents.transaction_currency || '/'
            || documents.functional_currency || ' on or before ' || cast(documents.{{ date_column }} as varchar)
            || ' — load the rate into the ERP''s rate table' as reason,
        documents.batch_id,
        'exchange_rate' as rule
    from {{ ref(model) }} as documents
    left join {{ ref('canonical_source_entities') }} as source_entities
        on source_entities.canonical_model = '{{ model }}' and source_entities.source_system = documents.source_system
    where documents.{{ amount }} is not null
      and documents.{{ amount }}_group is null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

all_findings as (
    select * from invalid_uscc
    union all select * from duplicate_parties
    union all select * from unmapped_accounts
    union all select * from unmapped_product_categories
    union all select * from unmapped_products
    union all select * from unmapped_employees
    union all select * from missing_departments
    union all select * from unmapped_org_units
    union all select * from unmapped_legal_entities
    union all select * from document_party_findings
    union all select * from missing_accounts
    union all select * from missing_rates
)

select distinct
    source_system,
    coalesce(entity, 'unknown') as entity,
    code,
    kind,
    reason,
    rule,
    batch_id
from all_findings
