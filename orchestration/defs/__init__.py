"""The Dagster definitions tree: one folder per domain, assembled by ``orchestration.definitions``."""
