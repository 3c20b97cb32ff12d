"""Near-real-time mode: poll the sources cheaply, run the increment when something changed.

``yecai run --watch [--interval S]`` runs one increment at once (to catch up), then every
``interval`` seconds asks each source whether anything changed since it was last landed, and
runs the daily increment (ingest → dbt → checks → publish → scorecard) when one did. The
Dagster sensor ``source_change_sensor`` (``defs/pipeline/watch_sensor.py``) asks the same
question and starts the ingest run; the ``rebuild_after_ingest`` sensor does the rest.

What one poll costs, per kind of source (no table is scanned):

- SQL: one query per PostgreSQL / MariaDB source (its statistics or information_schema, see
  ``ingestion/source_state.py``), none for SQLite (a 100-byte header read and two ``stat``
  calls). A table whose fingerprint differs from the one remembered after its last read has
  changed; one whose database cannot say (``None``) is left to the daily run and reported.
- REST: one request per entity (its first page) for records updated after the entity's
  watermark, with the source's own auth, paging and incremental parameter; an entity whose API
  cannot be asked for changes only (no ``rest.incremental``) is left to the daily run.
- files: a directory listing (name, size, mtime) compared with the previous poll's.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ingestion.config import SourceConfig, load_config
from ingestion.lake import latest_manifest
from ingestion.source_state import read_fingerprints, remembered
from yecai.errors import YecaiError
from yecai.privacy.redact import redact_text
from yecai.settings import Paths

DEFAULT_INTERVAL_SECONDS = 10.0


@dataclass
class SourcePoll:
    """One look at every source: what changed, what cannot be told, what it cost."""

    changed: list[str] = field(default_factory=list)  # "<source>.<entity>"
    unknown: list[str] = field(default_factory=list)
    fingerprints: dict[str, str | None] = field(default_factory=dict)
    files: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    queries: int = 0  # database queries and HTTP requests made
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def poll_sources(
    paths: Paths,
    previous_files: dict[str, dict[str, list[int]]] | None = None,
    config: dict[str, SourceConfig] | None = None,
) -> SourcePoll:
    """Ask every configured source whether it changed since it was last landed."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    poll = SourcePoll()
    for source in (config or load_config(paths)).values():
        try:
            if source.kind == "sql":
                _poll_sql(paths, source, poll)
            elif source.kind == "rest":
                _poll_rest(paths, source, poll)
            else:
                _poll_files(source, poll, (previous_files or {}).get(source.name))
        except (YecaiError, OSError) as exc:  # a source that cannot be asked is reported
            fix = getattr(exc, "fix", None)
            what = getattr(exc, "what", exc)
            poll.errors.append(f"{source.name}: {what}" + (f" ({fix})" if fix else ""))
    poll.cpu_seconds = time.process_time() - cpu0
    poll.wall_seconds = time.perf_counter() - wall0
    return poll


def _poll_sql(paths: Paths, source: SourceConfig, poll: SourcePoll) -> None:
    url = source.url()
    tables = [e.target for e in source.entities.values()]
    now = read_fingerprints(url, tables)
    poll.queries += 0 if url.startswith("sqlite") else 1
    for entity in source.entities.values():
        label = f"{source.name}.{entity.name}"
        fp = now.get(entity.target)
        poll.fingerprints[label] = fp.value if fp else None
        if fp is None:
            poll.unknown.append(label)
            continue
        state = remembered(paths, source.name, entity.name, url, entity.target)
        if state is None or state.get("fingerprint") != fp.value:
            poll.changed.append(label)


def _poll_rest(paths: Paths, source: SourceConfig, poll: SourcePoll) -> None:
    """One page per entity of the records changed after its watermark, asked the way the
    source's ``rest`` settings say (its auth, paging and incremental parameter): the same
    request the next extraction makes, cut to its first page."""
    from ingestion.connectors.rest import read_pages

    for entity in source.entities.values():
        label = f"{source.name}.{entity.name}"
        manifest = latest_manifest(paths, source.name, entity.name)
        watermark = manifest.get("watermark") if manifest else None
        if not watermark:
            poll.changed.append(label)  # never landed: the increment reads it whole
            continue
        if entity.rest is None or entity.rest.incremental is None:
            poll.unknown.append(label)  # the API cannot be asked for changes only
            continue
        pages = read_pages(
            entity.rest,
            source.url(),
            entity.target,
            after(watermark),
            url_env=source.url_env,
            max_pages=1,
        )
        first = next(pages, None)
        pages.close()
        poll.queries += 1
        if first is not None and first.records:
            poll.changed.append(label)


def after(watermark: str) -> str:
    """The first instant after ``watermark`` (a microsecond later), as the API's ISO text."""
    moment = datetime.fromisoformat(watermark.replace("Z", "+00:00").replace(" ", "T"))
    moment = moment.replace(tzinfo=None) + timedelta(microseconds=1)
    return moment.isoformat(timespec="microseconds") + "Z"


def _poll_files(
    source: SourceConfig, poll: SourcePoll, previous: dict[str, list[int]] | None
) -> None:
    from orchestration.defs.ingestion.sensors import list_drop_files

    listing = list_drop_files(source.path) if source.path else {}
    poll.files[source.name] = listing
    if previous is not None and listing != previous:
        poll.changed.append(f"{source.name}.*")


# --------------------------------------------------------------------------------------------
# The loop behind `yecai run --watch`
# --------------------------------------------------------------------------------------------


@dataclass
class IdleCost:
    """Polls that found nothing: how many and what they cost, for the user and the docs."""

    polls: int = 0
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    queries: int = 0

    def add(self, poll: SourcePoll) -> None:
        self.polls += 1
        self.cpu_seconds += poll.cpu_seconds
        self.wall_seconds += poll.wall_seconds
        self.queries += poll.queries

    def summary(self) -> str:
        if not self.polls:
            return "no idle polls"
        n = self.polls
        return (
            f"{n} idle polls: {1000 * self.cpu_seconds / n:.1f} ms CPU, "
            f"{1000 * self.wall_seconds / n:.1f} ms wall, {self.queries / n:.1f} queries each"
        )


def _say(message: str) -> None:
    # the loop's log: a poll's error may quote a source's URL, token and all
    message = redact_text(message)
    print(message, flush=True)  # a log file or pipe must see it before the run's own output


def watch(
    paths: Paths,
    run_increment: Callable[[], bool],
    interval: float = DEFAULT_INTERVAL_SECONDS,
    say: Callable[[str], None] = _say,
    stop: threading.Event | None = None,
    max_increments: int | None = None,
    idle: IdleCost | None = None,
) -> IdleCost:
    """Run the increment now, then whenever a poll finds a change, until ``stop`` is set (or
    ``max_increments`` increments ran). ``run_increment`` returns whether it succeeded; a
    failed one is reported and the loop goes on (the next change tries again)."""
    if interval <= 0:
        raise YecaiError(f"--interval {interval}: must be more than 0 seconds", "e.g. 10")
    stop = stop or threading.Event()
    idle = idle if idle is not None else IdleCost()
    increments = 0
    told_unknown: set[str] = set()
    reason = "catching up at start"
    files: dict[str, dict[str, list[int]]] | None = None
    while not stop.is_set():
        if reason:
            say(f"watch: running the increment ({reason})")
            ok = run_increment()
            increments += 1
            say(f"watch: increment {'succeeded' if ok else 'failed'}; {idle.summary()}")
            if max_increments is not None and increments >= max_increments:
                break
            files = None  # take a fresh listing after the run
        poll = poll_sources(paths, files)
        files = poll.files
        for problem in poll.errors:
            say(f"watch: could not poll {problem}")
        for label in sorted(set(poll.unknown) - told_unknown):
            say(
                f"watch: {label}: its database cannot say cheaply whether it changed; "
                "the daily run reads it"
            )
            told_unknown.add(label)
        if poll.changed:
            shown = ", ".join(poll.changed[:5]) + (" …" if len(poll.changed) > 5 else "")
            reason = f"changed: {shown}"
            continue
        idle.add(poll)
        reason = ""
        stop.wait(interval)
    return idle


def poll_key(poll: SourcePoll) -> str:
    """A stable key for what a poll saw changed (the sensor's run key and cursor)."""
    seen = {label: poll.fingerprints.get(label) for label in sorted(poll.changed)}
    return json.dumps(seen, sort_keys=True)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def watch_from_cli(
    paths: Paths, run_once: Callable[[bool], None], interval: float, full_first: bool = False
) -> None:
    """``yecai run --watch``: ``run_once(full)`` is the body of ``yecai run`` (it raises
    typer's Exit when a run fails); Ctrl-C stops the loop between or during runs."""
    import click

    first = [full_first]

    def attempt() -> bool:
        full, first[0] = first[0], False
        try:
            run_once(full)
        except click.exceptions.Exit as exc:
            return exc.exit_code == 0
        except YecaiError as exc:
            _say(f"watch: {exc.what} → {exc.fix}")
            return False
        return True

    _say(f"watch: polling the sources every {interval:g}s; Ctrl-C stops")
    idle = IdleCost()
    if threading.current_thread() is threading.main_thread():
        # a supervisor's SIGTERM stops the loop like Ctrl-C (and says what idle cost)
        signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        watch(paths, attempt, interval, idle=idle)
    _say(f"watch: stopped; {idle.summary()}")
