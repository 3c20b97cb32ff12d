"""Pieces every domain uses: fiscal-period partitions, resources, retry and concurrency policy."""
