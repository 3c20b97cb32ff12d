"""Check results and their history.

History is append-only Parquet under ``<home>/quality/results/`` (one file per run and
layer), so it survives every dbt rebuild of the warehouse; publish copies it into the
published warehouse as ``governance.quality_results``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from yecai.settings import Paths


@dataclass(frozen=True)
class CheckResult:
    run_id: str
    checked_at: datetime
    layer: str
    asset: str
    check: str
    dimension: str
    domain: str
    owner: str
    severity: str
    success: bool
    observed_value: str | None
    unexpected_count: int | None
    failing_keys: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""
    # why a check failed without a verdict on the data (table missing, SQL error)
    error: str | None = None

    @property
    def blocking_failure(self) -> bool:
        return self.severity == "blocking" and not self.success

    def summary(self) -> str:
        """One line for a terminal or an error message."""
        why = self.error or (
            f"{self.unexpected_count} unexpected" if self.unexpected_count is not None else ""
        )
        keys = f"; e.g. {to_json(self.failing_keys[:3])}" if self.failing_keys else ""
        return f"{self.asset} · {self.check} [{self.severity}]: {why}{keys}"


SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("checked_at", pa.timestamp("us", tz="UTC")),
        ("layer", pa.string()),
        ("asset", pa.string()),
        ("check", pa.string()),
        ("dimension", pa.string()),
        ("domain", pa.string()),
        ("owner", pa.string()),
        ("severity", pa.string()),
        ("success", pa.bool_()),
        ("observed_value", pa.string()),
        ("unexpected_count", pa.int64()),
        ("failing_keys", pa.string()),  # JSON list of objects, a sample
        ("description", pa.string()),
        ("error", pa.string()),
    ]
)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # money stays exact in the sample
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=False)


def results_dir(paths: Paths) -> Path:
    return paths.home / "quality" / "results"


def append_history(paths: Paths, results: list[CheckResult]) -> Path | None:
    """Write ``results`` as one new Parquet file (atomic rename); None when empty."""
    if not results:
        return None
    folder = results_dir(paths)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for r in results:
        row = asdict(r)
        row["failing_keys"] = to_json(r.failing_keys)
        rows.append(row)
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    first = results[0]
    final = folder / f"run={first.run_id}-{first.layer}-{uuid.uuid4().hex[:6]}.parquet"
    tmp = final.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    tmp.replace(final)
    return final


def history_glob(paths: Paths) -> str:
    return str(results_dir(paths) / "*.parquet")


def has_history(paths: Paths) -> bool:
    return results_dir(paths).exists() and any(results_dir(paths).glob("*.parquet"))


def query_results(sql: str, params: list | None = None) -> list[CheckResult]:
    """Run a query over history Parquet files and turn its rows back into CheckResults."""
    con = duckdb.connect()
    try:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    out = []
    for row in rows:
        rec = dict(zip(names, row, strict=True))
        rec["failing_keys"] = json.loads(rec["failing_keys"] or "[]")
        rec["checked_at"] = rec["checked_at"].astimezone(UTC)
        out.append(CheckResult(**{k: rec.get(k) for k in CheckResult.__dataclass_fields__}))
    return out


def read_history(paths: Paths) -> list[CheckResult]:
    """Every recorded result, oldest first."""
    if not has_history(paths):
        return []
    return query_results(
        f"select * from read_parquet('{history_glob(paths)}', union_by_name = true) "
        'order by checked_at, asset, "check"'
    )
