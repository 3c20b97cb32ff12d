"""Which systems to extract, as the connectors see them: the company's ``sources.yml``.

``yecai.config`` checks the file against its schema (one line per mistake, "did you mean …");
this module turns it into the plain settings the connectors read. Connections come from the
file (a SQLite path or a password-less URL) or, for anything with a secret, from the
environment variable it names (``url_env``, ``token_env``, ``path_env``); a variable that is
set wins over the URL written beside it. There is no built-in company: a home without
``sources.yml`` is an error that says to run ``yecai demo generate`` or ``yecai init``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from ingestion.connectors.rest_settings import RestSettings, rest_settings
from ingestion.contract import Contract, contract_entities, load_contract, suggest
from yecai.config.load import contracts_root as company_contracts_root
from yecai.config.load import load_company, resolve_in_home
from yecai.config.schema import DEFAULT_LOOKBACK_DAYS, CompanyConfig
from yecai.errors import YecaiError
from yecai.settings import Paths

KINDS = ("sql", "rest", "files")


@dataclass(frozen=True)
class EntityConfig:
    name: str
    # Source table (sql), endpoint path (rest) or nothing (files: the contract's file_pattern).
    target: str
    cursor: str | None = None  # None: use the contract's cursor
    detect_deletes: bool = True
    key: tuple[str, ...] | None = None  # None: the contract's primary key
    # REST only: the source's rest: settings with this entity's rest: overrides applied.
    rest: RestSettings | None = None


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    entities: dict[str, EntityConfig]
    contracts_root: Path
    url_env: str | None = None
    default_url: str | None = None
    token_env: str | None = None
    path: Path | None = None
    lookback_days: float = DEFAULT_LOOKBACK_DAYS
    # Where the setting came from, for messages.
    where: str = "sources.yml"
    legal_entities: tuple[str, ...] = field(default_factory=tuple)

    def url(self) -> str:
        """The connection URL, read from the environment at the moment it is needed."""
        value = os.environ.get(self.url_env) if self.url_env else None
        value = value or self.default_url
        if not value:
            raise YecaiError(
                f"source {self.name!r} has no connection URL: environment variable "
                f"{self.url_env or '(url_env not set in sources.yml)'} is empty",
                f"export {self.url_env or 'the variable named by url_env'}=<url> before running",
            )
        return value

    def token(self) -> str | None:
        return os.environ.get(self.token_env) if self.token_env else None

    def contract(self, entity: str) -> Contract:
        """The entity's contract with the overrides ``sources.yml`` gives (cursor, key)."""
        contract = load_contract(self.name, entity, self.contracts_root)
        settings = self.entities.get(entity)
        if settings is None:
            return contract
        return with_overrides(contract, settings, self.where)


def with_overrides(contract: Contract, entity: EntityConfig, where: str) -> Contract:
    """``contract`` with ``sources.yml``'s cursor and key; a column it lacks is an error."""
    names = contract.column_names
    changes: dict = {}
    if entity.cursor is not None:
        _check_column(entity.cursor, names, where, contract, "cursor")
        changes["cursor"] = entity.cursor
    if entity.key is not None:
        for column in entity.key:
            _check_column(column, names, where, contract, "key")
        changes["primary_key"] = tuple(entity.key)
    return replace(contract, **changes) if changes else contract


def _check_column(column: str, names: list[str], where: str, contract: Contract, what: str):
    if column in names:
        return
    key_path = f"sources.{contract.source}.entities.{contract.entity}.{what}"
    raise YecaiError(
        f"{where}: {key_path}: {column!r} is not a column of contract "
        f"{contract.source}.{contract.entity}{suggest(column, names)}",
        f"use one of its columns ({', '.join(names)}) or add the column to the contract",
    )


def _sqlite_in_home(url: str, paths: Paths) -> str:
    """A relative SQLite path in ``sources.yml`` (``sqlite:///systems/ledger.sqlite``) is in the home."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite" or not parts.path.startswith("/") or parts.path.startswith("//"):
        return url
    relative = parts.path[1:]
    if not relative or Path(relative).is_absolute():
        return url
    return f"sqlite:///{paths.home / relative}"


def convert(company: CompanyConfig, paths: Paths) -> dict[str, SourceConfig]:
    """The connectors' view of a checked ``sources.yml`` (pure apart from ``path_env``)."""
    where = str(paths.sources_config)
    root = company_contracts_root(paths, company)
    out: dict[str, SourceConfig] = {}
    for name, source in company.sources.items():
        entities = dict(source.entities)
        if not entities:
            # Only this company's own contracts: nothing is inherited from anywhere else.
            entities = {e: None for e in contract_entities(name, root)}
        if not entities:
            raise YecaiError(
                f"{where}: sources.{name} lists no entities and {root / name} holds no contracts",
                f"list its entities under sources.{name}.entities and write a contract "
                f"{root / name}/<entity>.yml for each (docs/onboarding.md)",
            )
        settings = {
            entity: _entity(source, entity, spec, f"{where}: sources.{name}.entities.{entity}")
            for entity, spec in entities.items()
        }
        path = None
        if source.kind == "files":
            given = (os.environ.get(source.path_env) if source.path_env else None) or source.path
            if not given:
                raise YecaiError(
                    f"{where}: sources.{name}: environment variable {source.path_env} is empty",
                    f"export {source.path_env}=<drop folder>, or give path: in sources.yml",
                )
            path = resolve_in_home(paths, given)
        out[name] = SourceConfig(
            name=name,
            kind=source.kind,
            entities=settings,
            contracts_root=root,
            url_env=getattr(source, "url_env", None),
            default_url=_sqlite_in_home(source.url, paths)
            if getattr(source, "url", None)
            else None,
            token_env=getattr(source, "token_env", None),
            path=path,
            lookback_days=float(source.lookback_days),
            where=where,
            legal_entities=tuple(source.legal_entities),
        )
    return out


def _entity(source, name: str, spec, where: str) -> EntityConfig:
    """One entity's settings; a REST entity's endpoint defaults to its name under the URL."""
    kind = source.kind
    target = "" if kind == "files" else name
    rest = (
        rest_settings(
            source.rest,
            getattr(spec, "rest", None),
            where=where,
            legacy_token_env=source.token_env,
        )
        if kind == "rest"
        else None
    )
    if spec is None:
        return EntityConfig(name=name, target=target, detect_deletes=kind == "sql", rest=rest)
    target = getattr(spec, "table", None) or getattr(spec, "endpoint", None) or target
    detect = spec.detect_deletes if spec.detect_deletes is not None else kind == "sql"
    return EntityConfig(
        name=name,
        target=str(target),
        cursor=spec.cursor,
        detect_deletes=detect,
        key=tuple(spec.key) if spec.key else None,
        rest=rest,
    )


def load_config(paths: Paths) -> dict[str, SourceConfig]:
    """The active configuration: this home's ``sources.yml`` (a YecaiError when missing)."""
    return convert(load_company(paths), paths)


def file_sources(config: dict[str, SourceConfig]) -> dict[str, Path]:
    """The drop folder of every files source (what the file-drop sensor watches)."""
    return {s.name: s.path for s in config.values() if s.kind == "files" and s.path is not None}


def check_overrides(config: dict[str, SourceConfig]) -> None:
    """Load every entity's contract with its overrides, so a misspelt column fails up front."""
    for source in config.values():
        for entity in source.entities:
            source.contract(entity)
