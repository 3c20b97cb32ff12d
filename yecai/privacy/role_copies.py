"""One self-contained DuckDB file per role, written at publish from the snapshot just made.

``<home>/warehouse/roles/<role>.duckdb`` holds every published relation as that role may see
it (``policy.select_list``): tokens and masks for analyst, finance and governance, clear
values only in the copy of the role the policy lets see them, an encrypted file (publish key). Each file is written from
the same DuckLake snapshot, under a temporary name, and renamed over the previous one, so a
reader opens the whole of one publish or the whole of the one before. Why files and not one
lake per role: docs/decisions/per-role-published.md.

Copies are written only when the token key is configured (without it no role could get its
tokens: nothing is written in clear instead), and an encrypted role's only with the publish key.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from yecai.privacy.encryption import attach_encrypted
from yecai.privacy.keys import Key, load_key
from yecai.privacy.policy import (
    ROLE_NAMES,
    action_for,
    check_role,
    encrypted_roles,
    quote_ident,
    select_list,
)
from yecai.privacy.tokens import install_token_key
from yecai.settings import Paths

ENCRYPTED_ROLES = encrypted_roles()  # their copy holds identity documents in clear
COPY_ALIAS = "role_copy"
INFO_TABLE = "governance.role_copy"  # which role, snapshot and token key a copy holds
COLUMNS_DOC = "columns.md"
READER_ALIAS = "published"  # as in yecai.published: qualified names read the same


def roles_dir(paths: Paths) -> Path:
    return paths.warehouse / "roles"


def role_copy_path(paths: Paths, role: str) -> Path:
    return roles_dir(paths) / f"{check_role(role)}.duckdb"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class SourceRelation:
    """A published relation as the role writer reads it, with the classes of its columns."""

    schema: str
    name: str
    columns: tuple[str, ...]
    classes: Mapping[str, str]
    comment: str | None = None
    column_comments: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"


def role_columns(rel: SourceRelation, role: str) -> list[tuple[str, str]]:
    """(column, action) of ``rel`` as ``role`` gets it; ``drop`` columns included (pure)."""
    return [
        (c, action_for(rel.classes[c], role) if c in rel.classes else "clear") for c in rel.columns
    ]


def role_select(rel: SourceRelation, role: str, source: str) -> str | None:
    """The query that makes ``role``'s copy of ``rel`` from ``source``; None when the role would
    see no column of it (pure)."""
    if all(action == "drop" for _, action in role_columns(rel, role)):
        return None
    return f"select {select_list(rel.columns, rel.classes, role)} from {source}"


def columns_markdown(relations: list[SourceRelation]) -> str:
    """Which role sees which protected column, and how: the generated per-home table (pure).

    Columns no class applies to are the same for every role and left out.
    """
    head = "| relation | column | class | " + " | ".join(ROLE_NAMES) + " |"
    rule = "|---|---|---|" + "---|" * len(ROLE_NAMES)
    rows = []
    for rel in sorted(relations, key=lambda r: r.key):
        for col in rel.columns:
            if col not in rel.classes:
                continue
            cls = rel.classes[col]
            acts = " | ".join(action_for(cls, r) for r in ROLE_NAMES)
            rows.append(f"| `{rel.key}` | `{col}` | `{cls}` | {acts} |")
    intro = (
        "# Which role sees which column\n\n"
        "Generated at publish from the masking policy (`yecai/privacy/policy.py`) and the "
        "column classes; every column not listed is the same for every role. `drop`: the "
        "column is not in the role's copy.\n"
    )
    return "\n".join([intro, head, rule, *rows]) + "\n"


@dataclass(frozen=True)
class RoleCopies:
    """What one publish wrote per role, and what it could not."""

    written: dict[str, Path]
    skipped: dict[str, str]  # role -> why not written

    def message(self) -> str:
        parts = [f"role copies: {', '.join(sorted(self.written)) or 'none'} written"]
        parts += [f"{role} not written ({why})" for role, why in sorted(self.skipped.items())]
        return "; ".join(parts)


def skipped_without_token_key() -> RoleCopies:
    """What a publish writes when no token key is set: no role's copy (its tokens need it)."""
    why = "no token key is set (YECAI_TOKEN_KEY_FILE; docs/security.md, Keys)"
    return RoleCopies({}, dict.fromkeys(ROLE_NAMES, why))


def token_key_is_set(paths: Paths, env: Mapping[str, str] | None = None) -> bool:
    """Whether role copies can be written (checked before any work is done for them)."""
    return load_key("token", paths.home, env, required=False) is not None


def _write_one(
    con: duckdb.DuckDBPyConnection,
    role: str,
    relations: list[SourceRelation],
    source_catalog: str,
    dest: Path,
    publish_key: Key | None,
    info: Mapping[str, object],
) -> None:
    tmp = dest.with_name(f".{dest.name}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if role in ENCRYPTED_ROLES:
        assert publish_key is not None
        attach_encrypted(con, tmp, publish_key, alias=COPY_ALIAS)
    else:
        con.execute(f"attach {_literal(str(tmp))} as {COPY_ALIAS}")
    try:
        con.execute("begin")  # one commit per file: a commit per statement is an fsync each
        for rel in relations:
            source = f"{source_catalog}.{quote_ident(rel.schema)}.{quote_ident(rel.name)}"
            query = role_select(rel, role, source)
            if query is None:
                continue
            target = f"{COPY_ALIAS}.{quote_ident(rel.schema)}.{quote_ident(rel.name)}"
            con.execute(f"create schema if not exists {COPY_ALIAS}.{quote_ident(rel.schema)}")
            con.execute(f"create table {target} as {query}")
            if rel.comment:
                con.execute(f"comment on table {target} is {_literal(rel.comment)}")
            for col, action in role_columns(rel, role):
                text = rel.column_comments.get(col)
                if action != "drop" and text:
                    con.execute(
                        f"comment on column {target}.{quote_ident(col)} is {_literal(text)}"
                    )
        con.execute(f"create schema if not exists {COPY_ALIAS}.governance")
        con.execute(
            f"create or replace table {COPY_ALIAS}.{INFO_TABLE} (role varchar, "
            "snapshot_id bigint, version varchar, token_key_id varchar, written_at timestamptz)"
        )
        con.execute(
            f"insert into {COPY_ALIAS}.{INFO_TABLE} values (?, ?, ?, ?, ?)",
            [
                role,
                info.get("snapshot_id"),
                info.get("version"),
                info.get("token_key_id"),
                datetime.now(UTC),
            ],
        )
        con.execute(
            f"comment on table {COPY_ALIAS}.{INFO_TABLE} is "
            f"{_literal('Which role this copy is for and which publish it holds.')}"
        )
        con.execute("commit")
        con.execute(f"detach {COPY_ALIAS}")
    except BaseException:
        with suppress(duckdb.Error):
            con.execute("rollback")
        with suppress(duckdb.Error):
            con.execute(f"detach {COPY_ALIAS}")
        tmp.unlink(missing_ok=True)
        raise
    os.chmod(tmp, 0o600)
    tmp.replace(dest)


def write_role_copies(
    paths: Paths,
    con: duckdb.DuckDBPyConnection,
    source_catalog: str,
    relations: list[SourceRelation],
    info: Mapping[str, object],
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RoleCopies:
    """Write every role's copy of ``relations`` (read from ``source_catalog`` on ``con``)."""
    say = progress or (lambda _msg: None)
    token_key = load_key("token", paths.home, env, required=False)
    if token_key is None:
        return skipped_without_token_key()
    publish_key = load_key("publish", paths.home, env, required=False)
    install_token_key(con, token_key.material, token_key.key_id)
    folder = roles_dir(paths)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    skipped: dict[str, str] = {}
    try:
        for role in ROLE_NAMES:
            if role in ENCRYPTED_ROLES and publish_key is None:
                skipped[role] = (
                    "its copy holds clear personal data and no publish key is set: "
                    "set YECAI_PUBLISH_KEY_FILE"
                )
                continue
            say(f"writing the {role} copy")
            dest = role_copy_path(paths, role)
            _write_one(
                con,
                role,
                relations,
                source_catalog,
                dest,
                publish_key,
                {**info, "token_key_id": token_key.key_id},
            )
            written[role] = dest
    finally:
        from yecai.privacy.tokens import forget_token_key

        forget_token_key(con)
    doc = folder / COLUMNS_DOC
    doc.write_text(columns_markdown(relations), encoding="utf-8")
    os.chmod(doc, 0o600)
    return RoleCopies(written, skipped)


# --- reading ------------------------------------------------------------------------------


def close_to_filesystem(con: duckdb.DuckDBPyConnection) -> None:
    """From here on ``con`` reads what it has attached and nothing else: no file, no ATTACH,
    no COPY … TO, no extension, and no setting can be changed back."""
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


def _attach_with_keyring(con: duckdb.DuckDBPyConnection, path: Path, keys: list[Key]) -> None:
    """Attach the encrypted ``path`` with the first key of a rotation's keyring that opens it."""
    from yecai.privacy.encryption import attach_encrypted

    last: Exception | None = None
    for key in keys:
        try:
            attach_encrypted(con, path, key, alias=READER_ALIAS, read_only=True)
            return
        except Exception as exc:  # a YecaiError naming the key; try the next one
            last = exc
    assert last is not None  # load_keyring raises when no key is set
    raise last


def open_role_copy(
    paths: Paths, role: str, env: Mapping[str, str] | None = None, purpose: str = "sql"
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``role``'s copy, closed to the filesystem; the opening is
    recorded in the audit log (who, as the OS knows the process, and which copy)."""
    from yecai.errors import YecaiError
    from yecai.privacy import audit
    from yecai.privacy.keys import load_keyring

    path = role_copy_path(paths, role)
    if not path.is_file():
        raise YecaiError(
            f"no published copy for role {role!r} at {path}",
            "publish with the token key set (and the publish key for an encrypted role's copy): "
            "YECAI_TOKEN_KEY_FILE / YECAI_PUBLISH_KEY_FILE, then `yecai publish`",
        )
    con = duckdb.connect(":memory:")
    try:
        if role in ENCRYPTED_ROLES:
            _attach_with_keyring(con, path, list(load_keyring("publish", paths.home, env).values()))
        else:
            try:
                con.execute(f"attach {_literal(str(path))} as {READER_ALIAS} (read_only)")
            except duckdb.Error as exc:
                raise YecaiError(
                    f"cannot open {path}: {str(exc).splitlines()[0]}", "publish again to rewrite it"
                ) from exc
        con.execute(f"use {READER_ALIAS}")
    except BaseException:
        con.close()
        raise
    try:
        con.execute("set TimeZone = 'UTC'")
        close_to_filesystem(con)
        row = con.execute(f"select snapshot_id, version from {INFO_TABLE}").fetchone()
    except BaseException:
        con.close()
        raise
    audit.record(paths, "open_role", role=role, purpose=purpose, snapshot_id=row[0], version=row[1])
    return con
