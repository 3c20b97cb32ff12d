"""Read and check a company's configuration: ``sources.yml`` in the company folder (the home).

Every mistake is a ``YecaiError`` whose ``what`` has one line per problem naming the file and
the key path, never a traceback: yecai ingest, yecai run, yecai ui and the Dagster
definitions all load the configuration through here.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from yecai.config.errors import describe
from yecai.config.schema import CompanyConfig
from yecai.errors import YecaiError
from yecai.settings import Paths

SOURCES_FILE = "sources.yml"
FIX = "fix sources.yml (docs/onboarding.md describes every key)"


def not_configured(paths: Paths) -> YecaiError:
    """What to say when a home has no company configuration."""
    return YecaiError(
        f"no company configuration in {paths.home}: {paths.sources_config} does not exist",
        "run `yecai demo generate` for the demo company, or `yecai init DIR` to start your own "
        "company's configuration and set YECAI_HOME=DIR (docs/onboarding.md)",
    )


def is_configured(paths: Paths) -> bool:
    return paths.sources_config.is_file()


def parse_company(data: object, where: str) -> CompanyConfig:
    """Validate the YAML content of a ``sources.yml`` (pure)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise YecaiError(
            f"{where}: the file is a YAML {type(data).__name__}, not a mapping; it must start "
            "with keys such as `sources:`",
            FIX,
        )
    try:
        return CompanyConfig.model_validate(data)
    except ValidationError as exc:
        raise YecaiError("\n".join(describe(exc, where)), FIX) from None


def load_company(paths: Paths) -> CompanyConfig:
    """The company configuration of this home; a YecaiError if it is missing or wrong."""
    path = paths.sources_config
    if not path.is_file():
        raise not_configured(paths)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YecaiError(f"{path}: not valid YAML{at}: {problem}", FIX) from None
    return parse_company(data, str(path))


def resolve_in_home(paths: Paths, value: str) -> Path:
    """A path from ``sources.yml``: absolute as written, else relative to the home."""
    found = Path(value).expanduser()
    return found if found.is_absolute() else paths.home / found


def contracts_root(paths: Paths, company: CompanyConfig) -> Path:
    return resolve_in_home(paths, company.contracts_dir)
