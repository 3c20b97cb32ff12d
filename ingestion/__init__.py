"""Ingestion: extract the source systems into the raw Parquet lake (see docs/interfaces.md).

Entry points: ``ingestion.runner.ingest`` (one call lands every configured entity),
``ingestion.catalog.list_entities`` and ``ingestion.batches.read_batch_records``.
"""
