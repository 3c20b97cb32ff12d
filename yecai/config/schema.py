"""The shape of a company's ``sources.yml``, as pydantic models (unknown keys are errors).

One model per kind of source (SQL database, REST API, files dropped in a folder), each with
its own entity settings, so a kind's options are added in one place. Names of sources and
entities become folder names (raw zone, contracts) and dbt identifiers: they must be
identifiers. Connections never carry a secret: a URL with a password is refused (name an
environment variable with ``url_env`` instead); a plain SQLite path or a password-less URL may
be written directly. Nothing here reads the environment or the disk; ``yecai.config.load``
does.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
_NAME_RE = re.compile(NAME_PATTERN)
# Legal entity codes are the group's (seed legal_entity_map): letters, digits, - and _.
_ENTITY_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
DEFAULT_LOOKBACK_DAYS = 3.0

Books = Literal["ledger", "derived", "none"]


def check_name(value: str, what: str) -> str:
    """``value`` if it is an identifier (``^[a-z][a-z0-9_]*$``), else a ValueError saying so."""
    if not _NAME_RE.match(value):
        raise ValueError(
            f"{what} {value!r} must be lower-case letters, digits and _ (starting with a "
            "letter): it names folders and dbt models"
        )
    return value


def url_password(url: str) -> bool:
    """Whether ``url`` carries a password (``scheme://user:secret@host``)."""
    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return False


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntitySettings(_Strict):
    """Overrides for one entity; the entity's contract says everything else."""

    cursor: str | None = Field(
        None, description="Column read incrementally (overrides the contract's cursor)."
    )
    key: list[str] | None = Field(
        None, description="Primary key columns (override the contract's primary_key)."
    )
    detect_deletes: bool | None = Field(
        None, description="Compare the source's key set with the lake to record deletes."
    )

    @field_validator("key", mode="before")
    @classmethod
    def _one_key_is_a_list(cls, value):
        return [value] if isinstance(value, str) else value


class SqlEntity(EntitySettings):
    table: str | None = Field(None, description="Table or view to read (default: the entity name).")


class RestEntity(EntitySettings):
    endpoint: str | None = Field(
        None, description="Path under the source URL (default: the entity's name)."
    )
    rest: dict[str, Any] | None = Field(
        None,
        description="Overrides of the source's rest: settings for this endpoint "
        "(checked by ingestion.connectors.rest_settings).",
    )


class FilesEntity(EntitySettings):
    pass


class _SourceBase(_Strict):
    description: str = ""
    books: Books = Field(
        "none",
        description="ledger: keeps its own general ledger; derived: its derived vouchers are its "
        "books; none: keeps no books (CRM, HR).",
    )
    legal_entities: list[str] = Field(
        default_factory=list, description="Group legal entity codes the source keeps data for."
    )
    documents: list[str] | None = Field(
        None,
        description="Documents the source supplies; checked against its conforming models "
        "stg_<source>__<document> (found in the company's dbt project when left out).",
    )
    lookback_days: float = Field(DEFAULT_LOOKBACK_DAYS, ge=0)
    raw_retention_days: float | None = Field(
        None,
        ge=0,
        description="How long the raw zone keeps the personal values (classified columns) of a "
        "record's versions once a newer version or its deletion replaced them; the current "
        "version is kept whole (yecai privacy retain, and after each ingest). None: forever.",
    )

    @field_validator("legal_entities")
    @classmethod
    def _entity_codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not _ENTITY_CODE_RE.match(code):
                raise ValueError(f"legal entity code {code!r} must be letters, digits, - and _")
        if len(set(codes)) != len(codes):
            raise ValueError("legal entity codes repeat")
        return codes

    @field_validator("documents")
    @classmethod
    def _document_names(cls, names: list[str] | None) -> list[str] | None:
        for name in names or []:
            check_name(name, "document")
        return names

    @field_validator("entities", mode="before", check_fields=False)
    @classmethod
    def _entity_list(cls, value):
        """``[a, b]`` means ``{a: {}, b: {}}``; a bare string is a mistake worth naming."""
        if isinstance(value, str):
            raise ValueError(
                f"must be a list or a mapping of entity names, not the string {value!r} "
                f"(write `entities: [{value}]`)"
            )
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise ValueError("list items must be entity names")
            value = {item: {} for item in value}
        if isinstance(value, dict):
            for name in value:
                check_name(str(name), "entity name")
            return {name: settings or {} for name, settings in value.items()}
        return value

    @model_validator(mode="after")
    def _derived_books_name_entities(self):
        if self.books == "derived" and not self.legal_entities:
            raise ValueError(
                "books: derived needs legal_entities: the entities whose books the derived "
                "vouchers are"
            )
        return self


class _Connected(_SourceBase):
    url: str | None = Field(
        None, description="Connection URL without a password (a SQLite path is fine)."
    )
    url_env: str | None = Field(
        None, pattern=ENV_NAME_PATTERN, description="Environment variable holding the URL."
    )

    @field_validator("url")
    @classmethod
    def _no_secret_in_file(cls, value: str | None) -> str | None:
        if value and url_password(value):
            raise ValueError(
                "carries a password; put the URL in an environment variable and name it with "
                "url_env (secrets stay out of files)"
            )
        return value

    @model_validator(mode="after")
    def _some_url(self):
        if not self.url and not self.url_env:
            raise ValueError(
                "needs url (no password in it) or url_env (an environment variable with the URL)"
            )
        return self


class SqlSource(_Connected):
    kind: Literal["sql"]
    entities: dict[str, SqlEntity] = Field(default_factory=dict)


class RestSource(_Connected):
    kind: Literal["rest"]
    token_env: str | None = Field(
        None,
        pattern=ENV_NAME_PATTERN,
        description="Environment variable holding a bearer token (older form of rest.auth).",
    )
    rest: dict[str, Any] | None = Field(
        None,
        description="How the API signs in, pages and where its records are: auth, paginator, "
        "records_path, incremental, deleted_field, params, max_pages, retry "
        "(checked by ingestion.connectors.rest_settings; docs/onboarding.md).",
    )
    entities: dict[str, RestEntity] = Field(default_factory=dict)


class FilesSource(_SourceBase):
    kind: Literal["files"]
    path: str | None = Field(None, description="Drop folder (relative: to the home).")
    path_env: str | None = Field(
        None, pattern=ENV_NAME_PATTERN, description="Environment variable holding the folder."
    )
    entities: dict[str, FilesEntity] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _some_path(self):
        if not self.path and not self.path_env:
            raise ValueError("needs path (the drop folder) or path_env")
        return self


Source = Annotated[SqlSource | RestSource | FilesSource, Field(discriminator="kind")]
KINDS = ("sql", "rest", "files")


class CompanyConfig(_Strict):
    """``sources.yml``: the company's source registry."""

    contracts_dir: str = Field(
        "contracts",
        description="Folder of contracts, <source>/<entity>.yml (relative: to the home).",
    )
    sources: dict[str, Source] = Field(default_factory=dict)

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_mapping(cls, value):
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of source name → settings")
        for name in value:
            check_name(str(name), "source name")
        return value

    @model_validator(mode="after")
    def _one_book_keeper_per_entity(self):
        keepers: dict[str, str] = {}
        for source_name, source in sorted(self.sources.items()):
            if source.books == "none":
                continue
            for code in source.legal_entities:
                if code in keepers:
                    raise ValueError(
                        f"legal entity {code} has books in two sources ({keepers[code]} and "
                        f"{source_name}): one source keeps an entity's books"
                    )
                keepers[code] = source_name
        return self
