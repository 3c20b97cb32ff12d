"""Dagster's SQLite storage, with an event log that keeps its database connections open.

Dagster's ``SqliteEventLogStorage`` creates an engine and opens a new connection for every
event it stores, twice for an asset event (the run's own database and the cross-run index),
and commits each with a full sync: 9.2 ms an event, against 1.4 ms here
(``benchmarks/bench_dagster_events.py``). A scale-1 ``yecai run`` stores about 750 events, and
py-spy found 10.5 s of its run thread there (docs/benchmarks.md).

``PooledSqliteEventLogStorage`` keeps one engine per database (the last few used; the others
are closed, so a webserver reading many runs holds few files open) and sets SQLite's
``synchronous = NORMAL`` on its connections. Dagster creates every one of these databases in
WAL mode, where NORMAL keeps a database consistent after any crash of the process or the
machine; a power cut can lose only the last commits, and a run that then looks unfinished is
failed and reported by ``orchestration/abandoned_runs.py`` like any run whose process died.
Everything else (files, schema, queries, the webserver's watchers) is Dagster's own, so an
installation's history carries over in both directions.

``YecaiSqliteStorage`` is ``storage: sqlite`` with that event log, for dagster.yaml's
``storage: custom`` (``orchestration/instance.py``). Decision:
docs/decisions/dagster-event-log-connections.md.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# Databases whose engine stays open: a run writes to its own and to the index, a webserver
# or daemon reads a few runs at a time.
OPEN_DATABASES = 8


def _sync_normal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` that reuses one engine per database shard."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # Set before Dagster's __init__, which may already connect (a new index database).
        # Guarded by Dagster's own ``_db_lock``, like every use of a connection.
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # ty: ignore[invalid-method-override]
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The engine of ``shard``'s database, made on first use; the caller holds ``_db_lock``."""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            pool_size=1,
            max_overflow=2,
            # the storage's lock lets one thread at a time use a connection
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sync_normal)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def close_databases(self) -> None:
        """Close every open engine (before the files are removed, and at dispose)."""
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self.close_databases()
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self.close_databases()


class YecaiSqliteStorage(DagsterSqliteStorage):
    """``storage: sqlite`` (same folders and files) with ``PooledSqliteEventLogStorage``."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # ty: ignore[invalid-method-override]
        return cls.from_local(inst_data=inst_data, **config_value)
