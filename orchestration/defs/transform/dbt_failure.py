"""Why a ``dbt build`` failed, in words a user can act on: the failing nodes and dbt's message.

dagster-dbt's own error starts "The dbt CLI process with command …" and the node that failed
is buried further down, so the CLI's one-line summary and the Dagster failure said nothing
useful. dbt writes ``run_results.json`` into the invocation's own target folder; it names every
node with its status and dbt's message, which is what this module reads. Deciding and wording
are pure; ``read_run_results`` is the only reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from yecai.memory import DBT_MEMORY_ENV
from yecai.privacy.redact import redact_text

# run_results statuses that make dbt exit non-zero (warnings do not).
FAILED_STATUSES = ("error", "fail", "runtime error")
MESSAGE_CHARS = 300  # one node's message: enough for dbt's error, never a page of SQL
NODES_SHOWN = 5
TRACEBACK = "Traceback (most recent call last):"
# DuckDB's error when an operation cannot spill below its memory cap (or the disk is full)
OUT_OF_MEMORY = "Out of Memory Error"


@dataclass(frozen=True)
class FailedNode:
    kind: str  # model, test, seed, snapshot, unit_test
    name: str  # schema.model for a model, the test's name for a test
    status: str
    message: str


def read_run_results(target: Path) -> dict | None:
    """The invocation's ``run_results.json``; None when dbt stopped before writing it."""
    path = target / "run_results.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def one_line(message: str | None) -> str:
    """dbt's message on one line, redacted and cut (pure).

    An adapter error can carry a Python traceback: keep what precedes it and its last line
    (the error itself), never the frames.
    """
    message = message or ""
    head, marker, rest = message.partition(TRACEBACK)
    if marker:
        last = next((ln for ln in reversed(rest.splitlines()) if ln.strip()), "")
        message = f"{head} {last}" if last.strip() not in head else head
    text = " ".join(message.split())
    text = redact_text(text)
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def _display_name(unique_id: str, manifest: dict | None) -> tuple[str, str]:
    """(kind, name) of a node: ``model.project.gl_lines`` → ("model", "finance.gl_lines")."""
    # <resource type>.<package>.<name>[.<hash of a generic test> | .<model version>]
    parts = unique_id.split(".")
    kind = parts[0]
    node = (manifest or {}).get("nodes", {}).get(unique_id) or {}
    name = node.get("name") or (parts[2] if len(parts) > 2 else unique_id)
    if kind in ("model", "seed", "snapshot") and node.get("schema"):
        name = f"{node['schema']}.{node.get('alias') or node.get('name') or name}"
    return kind, name


def failed_nodes(run_results: dict | None, manifest: dict | None = None) -> list[FailedNode]:
    """Every node dbt reports as failed, in the order dbt ran them (pure)."""
    found = []
    for result in (run_results or {}).get("results", []) or []:
        status = str(result.get("status") or "").lower()
        if status not in FAILED_STATUSES:
            continue
        kind, name = _display_name(str(result.get("unique_id") or "?"), manifest)
        found.append(FailedNode(kind, name, status, one_line(result.get("message"))))
    return found


def skipped_count(run_results: dict | None) -> int:
    return sum(
        str(r.get("status") or "").lower() == "skipped"
        for r in (run_results or {}).get("results", []) or []
    )


def describe_failure(
    run_results: dict | None,
    manifest: dict | None = None,
    dbt_messages: list[str] | None = None,
    log_path: Path | None = None,
    memory_limit: str | None = None,
) -> str:
    """The failure as text whose first line names the failing node(s) and dbt's message (pure).

    Without run results (dbt stopped while parsing or compiling) the first of dbt's own error
    messages stands in for the node. An out-of-memory error gets a line saying which cap to
    raise (``memory_limit``: the cap dbt ran with).
    """
    nodes = failed_nodes(run_results, manifest)
    lines: list[str] = []
    if nodes:
        first = nodes[0]
        more = f" (and {len(nodes) - 1} more)" if len(nodes) > 1 else ""
        lines.append(f"dbt {first.kind} {first.name} failed{more}: {first.message}")
        for node in nodes[1:NODES_SHOWN]:
            lines.append(f"  dbt {node.kind} {node.name} failed: {node.message}")
        if len(nodes) > NODES_SHOWN:
            lines.append(f"  … {len(nodes) - NODES_SHOWN} more failed node(s)")
        skipped = skipped_count(run_results)
        if skipped:
            lines.append(f"  dbt skipped {skipped} node(s) that depend on them")
    else:
        said = [one_line(m) for m in (dbt_messages or []) if m and m.strip()]
        # dbt writes no run results when it stops while parsing, or when an error escapes its
        # node runner (an adapter error in a thread): it may have built some nodes by then
        lines.append(
            f"dbt stopped without recording its results: {said[0] if said else 'no message'}"
        )
        lines += [f"  {m}" for m in said[1:NODES_SHOWN]]
    if any(OUT_OF_MEMORY in line for line in lines):
        lines.append(out_of_memory_hint(memory_limit))
    if log_path is not None:
        lines.append(f"  dbt's log: {log_path}")
    return "\n".join(lines)


def out_of_memory_hint(memory_limit: str | None) -> str:
    """What to do when dbt's DuckDB reached its cap on an operation it could not spill (pure)."""
    now = f"now {memory_limit}" if memory_limit else "its default"
    return (
        f"  → dbt's DuckDB ran out of memory at its cap ({DBT_MEMORY_ENV}, {now}): raise it "
        f"(e.g. {DBT_MEMORY_ENV}=4GB) on a machine that has the memory, or free disk space "
        "beside the warehouse for its spill files"
    )
