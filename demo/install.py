"""Install the demo company's configuration into a home, exactly as any company's lies there.

``demo/company/`` holds the demo company's ``sources.yml``, contracts and dbt project, laid out
as ``yecai init`` lays out any company; ``yecai demo generate`` copies it into ``YECAI_HOME``
(beside the generated systems under ``<home>/demo/``). Plain file copies: the demo imports no
pipeline code.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from demo.errors import DemoError

COMPANY_DIR = Path(__file__).resolve().parent / "company"
# What belongs to the configuration (dbt's target/ and dbt_packages/ are made in the home).
PARTS = ("sources.yml", "contracts", "dbt")
GENERATED = ("target", "dbt_packages", "logs", "package-lock.yml")
ERP_SOURCE = "erp"


def _password(url: str) -> bool:
    if "://" not in url:
        return False
    credentials = url.split("://", 1)[1].rsplit("@", 1)
    return len(credentials) == 2 and ":" in credentials[0]


def install_company(home: Path, erp_url: str | None = None) -> list[Path]:
    """Copy the demo company's configuration into ``home``; returns what was written.

    An existing configuration is replaced (its dbt target and installed packages are kept).
    With ``erp_url`` (the demo ERP in PostgreSQL or MariaDB), the installed ``sources.yml``
    points the ERP there, unless the URL carries a password (which never goes into a file:
    ``erp_url_written`` says whether it was written; otherwise export it as YECAI_ERP_URL).
    """
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    written = []
    for part in PARTS:
        source, target = COMPANY_DIR / part, home / part
        if source.is_dir():
            kept = {name: target / name for name in GENERATED if (target / name).exists()}
            if target.exists():
                for child in target.iterdir():
                    if child.name in kept:
                        continue
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            _copy_tree(source, target)
        else:
            shutil.copyfile(source, target)
        written.append(target)
    if erp_url and not erp_url_written(erp_url):
        raise DemoError(
            "the ERP URL carries a password, which must not be written into sources.yml",
            "export YECAI_ERP_URL=<the url> before running yecai (sources.yml names that variable)",
        )
    if erp_url:
        point_erp_at(home / "sources.yml", erp_url)
    return written


def _copy_tree(source: Path, target: Path) -> None:
    """Copy a folder as new files: modes come from the process's umask, not from the
    repository (shutil.copytree would carry the checkout's 0644/0755 into a private home)."""
    for folder, _, files in os.walk(source):
        destination = target / Path(folder).relative_to(source)
        destination.mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copyfile(Path(folder) / name, destination / name)


def erp_url_written(erp_url: str) -> bool:
    """Whether ``install_company`` may write this URL into sources.yml (it has no password)."""
    return not _password(erp_url)


def point_erp_at(sources_file: Path, erp_url: str) -> None:
    """Write the ERP's URL into an installed sources.yml."""
    data = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
    data["sources"][ERP_SOURCE]["url"] = erp_url
    header = "# The demo company's source registry, its ERP in a database server (yecai demo generate --erp-url).\n"
    sources_file.write_text(
        header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
