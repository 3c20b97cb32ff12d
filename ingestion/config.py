"""Which systems to extract: ``sources.yml`` at ``paths.sources_config``, or the demo company.

Connections come only from environment variables (``url_env``, ``token_env``), so the file
can be committed without secrets. Without a ``sources.yml`` the built-in default describes
the demo company that ``yecai demo generate`` writes under ``paths.demo``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ingestion.connectors.rest_settings import RestSettings, rest_settings
from ingestion.contract import CONTRACTS_DIR, contract_entities
from yecai.errors import YecaiError
from yecai.settings import Paths

KINDS = ("sql", "rest", "files")
DEFAULT_LOOKBACK_DAYS = 3.0


@dataclass(frozen=True)
class EntityConfig:
    name: str
    # Source table (sql), endpoint path (rest) or nothing (files: the contract's file_pattern).
    target: str
    cursor: str | None = None  # None: use the contract's cursor
    detect_deletes: bool = True
    # REST only: the source's rest: settings with this entity's rest: overrides applied.
    rest: RestSettings | None = None


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    entities: dict[str, EntityConfig]
    url_env: str | None = None
    default_url: str | None = None
    token_env: str | None = None
    default_token: str | None = None
    path: Path | None = None
    lookback_days: float = DEFAULT_LOOKBACK_DAYS
    # Where this source's contracts live: the built-in ones, or a folder sources.yml names.
    contracts_root: Path = CONTRACTS_DIR

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
        value = os.environ.get(self.token_env) if self.token_env else None
        return value or self.default_token


# The demo CRM's API, described the way any REST source is: as configuration values (its
# sources.yml `rest:` mapping).
DEMO_CRM_REST = {
    "auth": {"type": "bearer", "token_env": "YECAI_CRM_TOKEN"},
    "records_path": "data",
    "paginator": {
        "type": "cursor",
        "cursor_path": "next_cursor",
        "cursor_param": "cursor",
        "page_size_param": "limit",
        "page_size": 500,
    },
    "incremental": {"param": "updated_since", "format": "iso_z"},
    "deleted_field": "deleted",
}


def default_config(paths: Paths) -> dict[str, SourceConfig]:
    """The demo company: ERP and ERP2 in SQLite, the CRM over HTTP, HR export files."""

    def sql_entities(source: str) -> dict[str, EntityConfig]:
        return {e: EntityConfig(name=e, target=e) for e in contract_entities(source)}

    crm_rest = rest_settings(DEMO_CRM_REST, where="built-in demo configuration: source 'crm'")
    crm_entities = {
        e: EntityConfig(name=e, target=f"/api/v1/{e}", detect_deletes=False, rest=crm_rest)
        for e in contract_entities("crm")
    }
    hr_entities = {
        e: EntityConfig(name=e, target="", detect_deletes=False) for e in contract_entities("hr")
    }
    return {
        "erp": SourceConfig(
            name="erp",
            kind="sql",
            entities=sql_entities("erp"),
            url_env="YECAI_ERP_URL",
            default_url=f"sqlite:///{paths.demo / 'erp.sqlite'}",
        ),
        "erp2": SourceConfig(
            name="erp2",
            kind="sql",
            entities=sql_entities("erp2"),
            url_env="YECAI_ERP2_URL",
            default_url=f"sqlite:///{paths.demo / 'erp2.sqlite'}",
        ),
        "crm": SourceConfig(
            name="crm",
            kind="rest",
            entities=crm_entities,
            url_env="YECAI_CRM_URL",
            default_url="http://127.0.0.1:8765",
            token_env="YECAI_CRM_TOKEN",
            default_token="demo-token",
        ),
        "hr": SourceConfig(
            name="hr",
            kind="files",
            entities=hr_entities,
            path=Path(os.environ.get("YECAI_HR_DROP") or paths.hr_drop),
        ),
    }


def load_config(paths: Paths) -> dict[str, SourceConfig]:
    """The active configuration: ``sources.yml`` if present, else the demo default."""
    cfg_path = paths.sources_config
    if not cfg_path.is_file():
        return default_config(paths)
    try:
        data = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise YecaiError(f"{cfg_path} is not valid YAML: {exc}", "fix the file") from exc
    return parse_config(data, where=str(cfg_path), home=paths.home)


def parse_config(data: dict, where: str, home: Path) -> dict[str, SourceConfig]:
    """Check a ``sources.yml`` mapping and turn it into source configs."""
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise YecaiError(
            f"{where}: expected a top-level 'sources:' mapping of source name → settings",
            "see docs/decisions-ingestion.md for an example sources.yml",
        )
    contracts_root = CONTRACTS_DIR
    if data.get("contracts_dir"):
        contracts_root = Path(str(data["contracts_dir"])).expanduser()
        contracts_root = contracts_root if contracts_root.is_absolute() else home / contracts_root
        if not contracts_root.is_dir():
            raise YecaiError(
                f"{where}: contracts_dir {contracts_root} does not exist",
                "create it with one <source>/<entity>.yml per entity, or remove contracts_dir",
            )
    out: dict[str, SourceConfig] = {}
    for name, raw in sources.items():
        if not isinstance(raw, dict):
            raise YecaiError(f"{where}: source {name!r} must be a mapping", "fix the file")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise YecaiError(
                f"{where}: source {name!r} has kind {kind!r}", f"use one of {', '.join(KINDS)}"
            )
        if "url" in raw or "token" in raw:
            raise YecaiError(
                f"{where}: source {name!r} puts a connection or token in the file",
                "use url_env / token_env naming environment variables; secrets stay out of files",
            )
        if kind in ("sql", "rest") and not raw.get("url_env"):
            raise YecaiError(
                f"{where}: source {name!r} needs url_env (the environment variable with its URL)",
                "add e.g. url_env: YECAI_ERP_URL",
            )
        entities = _parse_entities(name, kind, raw, where, contracts_root)
        path = None
        if kind == "files":
            env_value = os.environ.get(raw["path_env"]) if raw.get("path_env") else None
            given = env_value or raw.get("path")
            if not given:
                raise YecaiError(
                    f"{where}: files source {name!r} needs path or path_env", "add path: <folder>"
                )
            path = Path(given).expanduser()
            path = path if path.is_absolute() else home / path
        out[name] = SourceConfig(
            name=name,
            kind=kind,
            entities=entities,
            url_env=raw.get("url_env"),
            token_env=raw.get("token_env"),
            path=path,
            lookback_days=float(raw.get("lookback_days", DEFAULT_LOOKBACK_DAYS)),
            contracts_root=contracts_root,
        )
    return out


def _parse_entities(
    source: str, kind: str, source_raw: dict, where: str, contracts_root: Path
) -> dict[str, EntityConfig]:
    raw = source_raw.get("entities")
    if raw is None:
        names = contract_entities(source, contracts_root)
        raw = {n: {} for n in names}
    if isinstance(raw, list):
        raw = {str(n): {} for n in raw}
    if not isinstance(raw, dict) or not raw:
        raise YecaiError(
            f"{where}: source {source!r} lists no entities (and has no contracts)",
            "add entities: with a name per table / endpoint",
        )
    out = {}
    for name, spec in raw.items():
        spec = spec or {}
        # A REST entity's endpoint defaults to its name, relative to the source's URL.
        default_target = "" if kind == "files" else name
        out[name] = EntityConfig(
            name=name,
            target=str(spec.get("table") or spec.get("endpoint") or default_target),
            cursor=spec.get("cursor"),
            detect_deletes=bool(spec.get("detect_deletes", kind == "sql")),
            rest=rest_settings(
                source_raw.get("rest"),
                spec.get("rest"),
                where=f"{where}: source {source!r}, entity {name!r}",
                legacy_token_env=source_raw.get("token_env"),
            )
            if kind == "rest"
            else None,
        )
    return out
