-- One row per attempted raw-zone batch, from the batch records ingestion writes to
-- lake/_meta/batches/<batch_id>.json (docs/interfaces.md). Shows what landed, when, and what
-- was quarantined, so a missing or failed landing is visible next to the data.
{%- set batch_glob = var('lake_meta') ~ '/batches/*.json' %}
{%- set has_batches = true %}
{%- if execute %}
    {%- set found = run_query("select count(*) from glob('" ~ batch_glob ~ "')") %}
    {%- set has_batches = found.columns[0].values()[0] > 0 %}
{%- endif %}

{%- if has_batches %}
with records as (
    select *
    from read_json(
        '{{ batch_glob }}',
        format = 'auto',
        union_by_name = true,
        columns = {
            batch_id: 'varchar',
            source: 'varchar',
            entity: 'varchar',
            started_at: 'varchar',
            finished_at: 'varchar',
            status: 'varchar',
            rows_read: 'bigint',
            rows_landed: 'bigint',
            rows_quarantined: 'bigint',
            watermark: 'varchar',
            message: 'varchar'
        }
    )
)

select
    batch_id,
    source,
    entity,
    cast(started_at as timestamptz) as started_at,
    cast(finished_at as timestamptz) as finished_at,
    status,
    rows_read,
    rows_landed,
    rows_quarantined,
    watermark,
    message
from records
{%- else %}
-- No batch has been attempted yet: an empty table with the same columns.
select
    cast(null as varchar) as batch_id,
    cast(null as varchar) as source,
    cast(null as varchar) as entity,
    cast(null as timestamptz) as started_at,
    cast(null as timestamptz) as finished_at,
    cast(null as varchar) as status,
    cast(null as bigint) as rows_read,
    cast(null as bigint) as rows_landed,
    cast(null as bigint) as rows_quarantined,
    cast(null as varchar) as watermark,
    cast(null as varchar) as message
where 1 = 0
{%- endif %}
