-- Late-arriving records and retroactive changes, found in the raw zone's version history.
--
-- A snapshot cannot tell a late entry or a retroactive edit from an ordinary row; the raw zone
-- can, because it keeps every version of every record with the batch that landed it, and each
-- batch record keeps the watermark the extraction reached (docs/interfaces.md, "Raw zone").
--
-- Rules (business meaning, per originating business document, listed per source system in
-- macros/raw/history_documents.sql; the documents that follow from them carry the same dates
-- and would only repeat the finding):
--   late_arriving       the record's first version landed after the extraction had already
--                       passed its business period: the previous batch's watermark lies in a
--                       later month than the business date. On the entity's first load (no
--                       previous batch) the record's own creation time plays that role.
--   retroactive_change  a new version of a completed record (closed deal, order past OPEN,
--                       issued invoice) whose booked content changed after its period had
--                       passed (previous batch's watermark in a later month). Status-only
--                       changes (an invoice being paid) are lifecycle, not retroactive edits.
--                       On the first load: a completed record created within its period but
--                       last changed after it.
--   late_or_retroactive only on a first load of a system that keeps no creation time: the
--                       record was last written after its period ended, and one extract
--                       cannot say whether it was entered late or changed late.
-- Deletions (tombstones, soft-deletes) are deleted_record, not changes; they are skipped.

{%- set documents = history_documents() %}
{%- set landed = [] %}
{%- for doc in documents %}
    {%- set lineage = source(doc.source, doc.entity) %}{#- so a new batch of the entity selects this model -#}
    {%- if raw_entity_has_files(doc.source, doc.entity) %}{% do landed.append(doc) %}{% endif %}
{%- endfor %}
{#- Batch records are read here rather than through ingestion_batches: a daily increment
    rebuilds this model (downstream of the sources above) but not that table. -#}
{%- set batch_glob = var('lake_meta') ~ '/batches/*.json' %}
{%- set has_batches = true %}
{%- if execute %}
    {%- set found = run_query("select count(*) from glob('" ~ batch_glob ~ "')") %}
    {%- set has_batches = found.columns[0].values()[0] > 0 %}
{%- endif %}

with
-- The watermark the entity's extraction had reached before each batch: the greatest one of
-- the batches before it that landed or found nothing new.
batch_watermarks as (
    select
        batch_id,
        source,
        entity,
        max(try_cast(watermark as timestamp)) filter (where status in ('succeeded', 'no_change')) over (
            partition by source, entity
            order by batch_id
            rows between unbounded preceding and 1 preceding
        ) as previous_watermark,
        max(batch_id) filter (where status in ('succeeded', 'no_change')) over (
            partition by source, entity
            order by batch_id
            rows between unbounded preceding and 1 preceding
        ) as previous_batch_id
    from
    {%- if has_batches %}
        read_json(
            '{{ batch_glob }}',
            format = 'auto',
            union_by_name = true,
            columns = {batch_id: 'varchar', source: 'varchar', entity: 'varchar', status: 'varchar', watermark: 'varchar'}
        )
    {%- else %}
        (select null::varchar as batch_id, null::varchar as source, null::varchar as entity,
            null::varchar as status, null::varchar as watermark where false)
    {%- endif %}
),

versions as (
{%- for doc in landed %}
    select
        '{{ doc.source }}' as source_system,
        '{{ doc.entity }}' as entity,
        cast(_source_pk as varchar) as record_key,
        cast(_batch_id as varchar) as batch_id,
        cast(_extracted_at as timestamp) as extracted_at,
        try_cast(updated_at as timestamp) as changed_at,
        {{ doc.created }} as created_at,
        {{ doc.business_date }} as business_date,
        coalesce({{ doc.completed }}, false) as is_completed,
        coalesce(_is_deleted, false) or coalesce({{ doc.deleted }}, false) as is_deletion,
        md5(concat_ws('|'
            {%- for column in doc.content %}, coalesce(cast({{ adapter.quote(column) }} as varchar), '∅'){% endfor %}
        )) as content_hash
    from {{ raw_entity_parquet(doc.source, doc.entity, ', hive_partitioning = false') }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- if not landed %}
    select
        cast(null as varchar) as source_system,
        cast(null as varchar) as entity,
        cast(null as varchar) as record_key,
        cast(null as varchar) as batch_id,
        cast(null as timestamp) as extracted_at,
        cast(null as timestamp) as changed_at,
        cast(null as timestamp) as created_at,
        cast(null as date) as business_date,
        false as is_completed,
        false as is_deletion,
        cast(null as varchar) as content_hash
    where 1 = 0
{%- endif %}
),

sequenced as (
    select
        v.*,
        row_number() over record_history as version_number,
        lag(v.content_hash) over record_history as previous_content_hash,
        lag(v.is_completed) over record_history as previous_is_completed,
        lag(v.business_date) over record_history as previous_business_date,
        w.previous_watermark,
        w.previous_batch_id
    from versions as v
    left join batch_watermarks as w on w.batch_id = v.batch_id
    window record_history as (
        partition by v.source_system, v.entity, v.record_key
        order by v.batch_id, v.extracted_at
    )
),

classified as (
    select
        *,
        coalesce(previous_business_date, business_date) as booked_date,
        case
            when version_number = 1 and previous_watermark is not null then
                case
                    when date_trunc('month', previous_watermark) > date_trunc('month', business_date)
                        then 'late_arriving'
                end
            when version_number = 1 and created_at is not null then
                case
                    when date_trunc('month', created_at) > date_trunc('month', business_date)
                        then 'late_arriving'
                    when is_completed
                        and date_trunc('month', changed_at) > date_trunc('month', business_date)
                        then 'retroactive_change'
                end
            when version_number = 1 then
                case
                    when date_trunc('month', changed_at) > date_trunc('month', business_date)
                        then 'late_or_retroactive'
                end
            when previous_is_completed
                and content_hash is distinct from previous_content_hash
                and date_trunc('month', previous_watermark)
                    > date_trunc('month', coalesce(previous_business_date, business_date))
                then 'retroactive_change'
        end as kind
    from sequenced
    where not is_deletion
      and coalesce(previous_business_date, business_date) is not null
)

select
    source_system,
    entity,
    record_key,
    booked_date as business_date,
    strftime(booked_date, '%Y-%m') as business_period,
    kind,
    batch_id,
    previous_batch_id,
    previous_watermark,
    created_at,
    changed_at,
    case kind
        when 'late_arriving' then
            case
                when previous_watermark is not null then
                    'first landed in batch ' || batch_id || ', after the extraction had reached '
                    || strftime(previous_watermark, '%Y-%m-%d %H:%M') || ': period '
                    || strftime(booked_date, '%Y-%m') || ' was already over'
                else
                    'created ' || strftime(created_at, '%Y-%m-%d') || ', after its period '
                    || strftime(booked_date, '%Y-%m') || ' had ended'
            end
        when 'retroactive_change' then
            case
                when version_number > 1 then
                    'completed record changed in batch ' || batch_id || ' (changed '
                    || coalesce(strftime(changed_at, '%Y-%m-%d'), '?') || ') after its period '
                    || strftime(booked_date, '%Y-%m') || ' had passed'
                else
                    'completed record changed ' || strftime(changed_at, '%Y-%m-%d')
                    || ', after its period ' || strftime(booked_date, '%Y-%m') || ' had ended'
            end
        else
            'last written ' || strftime(changed_at, '%Y-%m-%d') || ', after its period '
            || strftime(booked_date, '%Y-%m') || ' had ended; first extract, and the system keeps '
            || 'no creation time: late entry or later edit cannot be told apart'
    end as reason
from classified
where kind is not null
