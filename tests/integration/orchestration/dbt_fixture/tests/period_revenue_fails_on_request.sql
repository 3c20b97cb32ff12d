-- A dbt test (error severity, the default) that fails only when the orchestration test sets
-- YECAI_FIXTURE_FAIL_DBT_TEST=yes: it proves a failing dbt test still fails the dbt step now
-- that dbt tests are not loaded as Dagster asset checks.
select period from {{ ref('period_revenue') }}
where '{{ env_var("YECAI_FIXTURE_FAIL_DBT_TEST", "no") }}' = 'yes'
