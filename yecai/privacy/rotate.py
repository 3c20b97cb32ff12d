"""``yecai privacy rotate --key K``: re-write what key K protects under its new value.

The operator first puts the new key in ``YECAI_<K>_KEY(_FILE)`` and, for the two keys that
encrypt files in place (``warehouse``, ``lake``), the old one in ``…_PREVIOUS(_FILE)``, which
readers try second (``keys.load_keyring``). Then this re-writes, under the lock of each store's
writers, everything the old key protected:

- ``token``: every role's copy, from the latest publish, with the new tokens (the tokens of
  versions published before keep the old key's ID in their publish log);
- ``publish``: the published lake's encrypted catalog (a lake created under a publish key),
  copied into a file under the new key, and every role's copy, so the encrypted one (clear
  personal data) is written under the new key;
- ``warehouse``: the build warehouse, copied into a file encrypted under the new key;
- ``lake``: every raw, quarantine and index file of the entities with classified columns.

The ingest and dbt steps would do the last two on their own at the next run (they bring files
to the current key before writing); rotating explicitly makes it happen now, under the locks,
and says when the previous key may go. Each rotation is recorded in the audit log
(``rotate_key``: the key's purpose, the new and previous key IDs, never a key, and what was
re-written).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yecai.errors import YecaiError
from yecai.privacy.keys import PURPOSES, Key, env_name, load_key
from yecai.settings import Paths

Say = Callable[[str], None]


@dataclass
class RotationReport:
    purpose: str
    key_id: str
    previous_key_id: str | None
    rewritten: list[str] = field(default_factory=list)
    left_on_previous: list[str] = field(default_factory=list)  # what still needs the old key

    def message(self) -> str:
        lines = [f"{self.purpose} key rotated to {self.key_id}"]
        lines += [f"  {done}" for done in self.rewritten] or ["  nothing needed re-writing"]
        if self.left_on_previous:
            lines.append(
                "still written with the previous key (keep it until these are re-written): "
                + ", ".join(self.left_on_previous)
            )
        elif self.previous_key_id:
            lines.append(
                f"nothing is written with {self.previous_key_id} any more: remove "
                f"{env_name(self.purpose, previous=True)}(_FILE) and its key file"
            )
        return "\n".join(lines)


def _role_copies(
    paths: Paths, env: Mapping[str, str] | None, say: Say, lake_catalog: bool = False
) -> list[str]:
    """Every role's copy re-written; with ``lake_catalog``, first the published lake's
    encrypted catalog (a lake created under a publish key) under the new key."""
    from quality.lake_writer import rewrite_encrypted_catalog
    from quality.role_publish import rewrite_role_copies_at_latest
    from yecai.published import publish_lock

    done = []
    with publish_lock(paths):  # no publish writes the lake or the role copies meanwhile
        if lake_catalog:
            say("re-encrypting the published lake's catalog")
            if key_id := rewrite_encrypted_catalog(paths, env):
                done.append(f"published lake catalog re-encrypted with {key_id}")
        say("re-writing every role's copy of the latest publish")
        copies = rewrite_role_copies_at_latest(paths, env, progress=say)
    if copies is None:
        raise YecaiError(
            "nothing is published yet: there are no role copies to re-write",
            "run `yecai run` (or `yecai publish`) first; it writes them with the current key",
        )
    if copies.skipped:
        raise YecaiError(
            "the new key is set but not every role's copy could be written: " + copies.message(),
            "set the keys it names (docs/security.md, Keys) and rotate again",
        )
    return [*done, f"role copies re-written: {', '.join(sorted(copies.written))}"]


def _warehouse(paths: Paths, env: Mapping[str, str] | None, say: Say) -> list[str]:
    from orchestration.defs.shared.resources import hold_warehouse_lock
    from yecai.build_warehouse import encrypt_for_build

    if not paths.build_db.exists():
        return []
    say(f"re-encrypting {paths.build_db.name}")
    with hold_warehouse_lock(paths):
        done = encrypt_for_build(paths.build_db, paths.home, env)
    return [done] if done else []


def _lake(paths: Paths, previous: Key | None, say: Say) -> tuple[list[str], list[str]]:
    """Every personal-data entity brought to the current lake key; (what was re-written, the
    batches still recorded under the previous key)."""
    from ingestion import duck
    from ingestion.config import load_config
    from ingestion.lake_encryption import converge, holds_personal_data, write_key
    from ingestion.landing import entity_lock

    done: list[str] = []
    for source in load_config(paths).values():
        for entity in source.entities.values():
            contract = source.contract(entity.name)
            if not holds_personal_data(contract):
                continue
            say(f"re-encrypting {source.name}.{entity.name}")
            with entity_lock(paths, source.name, entity.name):
                con = duck.connect()
                try:
                    steps = converge(con, paths, contract, write_key(paths, contract))
                finally:
                    con.close()
            done += [f"{source.name}.{entity.name}: {step}" for step in steps]
    left = batches_written_with(paths, previous.key_id) if previous else []
    return done, [str(batch.relative_to(paths.home)) for batch in left]


def rotate(
    paths: Paths,
    purpose: str,
    reason: str | None = None,
    env: Mapping[str, str] | None = None,
    progress: Say | None = None,
) -> RotationReport:
    """Re-write what ``purpose``'s key protects under its current value; audited."""
    from yecai.privacy import audit

    say = progress or (lambda _msg: None)
    if purpose not in PURPOSES:
        raise YecaiError(f"unknown key {purpose!r}", f"use one of: {', '.join(PURPOSES)}")
    current: Key | None = load_key(purpose, paths.home, env)  # required: says how to set it
    assert current is not None
    previous = load_key(purpose, paths.home, env, previous=True, required=False)
    if previous is not None and previous.key_id == current.key_id:
        raise YecaiError(
            f"{env_name(purpose)} and {env_name(purpose, previous=True)} hold the same key",
            f"put the new key in {env_name(purpose)}(_FILE) and the old one in the other",
        )
    report = RotationReport(purpose, current.key_id, previous.key_id if previous else None)
    if purpose in ("token", "publish"):
        report.rewritten = _role_copies(paths, env, say, lake_catalog=purpose == "publish")
    elif purpose == "warehouse":
        report.rewritten = _warehouse(paths, env, say)
    else:
        report.rewritten, report.left_on_previous = _lake(paths, previous, say)
    audit.record(
        paths,
        "rotate_key",
        reason,
        purpose=purpose,
        key_id=current.key_id,
        previous_key_id=report.previous_key_id,
        rewritten=report.rewritten,
    )
    return report


def batches_written_with(paths: Paths, key_id: str) -> list[Path]:
    """Lake batch folders whose manifest records ``key_id`` (what only that key opens)."""
    import json

    from ingestion.lake import MANIFEST

    out = []
    for manifest in sorted(paths.lake.rglob(MANIFEST)):
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8")).get("key_id")
        except (OSError, ValueError):
            continue
        if recorded == key_id:
            out.append(manifest.parent)
    return out
