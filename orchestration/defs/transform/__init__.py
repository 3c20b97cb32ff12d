"""dbt models as Dagster assets through dagster-dbt."""
