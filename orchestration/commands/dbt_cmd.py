"""``yecai dbt -- <args>``: dbt in the company's project, with the environment yecai gives it.

The product's models read the source registry (built from ``sources.yml``) and the paths of the
home from the environment; this sets them exactly as the pipeline does (``dbt_env``), installs
the product package when it is missing (``dbt deps``, local, offline), and runs dbt in
``<home>/dbt``. ``--print-env`` prints the variables as ``export`` lines for running dbt by hand.
"""

from __future__ import annotations

import os
import shlex
import subprocess

import typer

from orchestration.defs.transform.dbt_args import dbt_env
from orchestration.defs.transform.encrypted_build import prepare_encrypted_build
from orchestration.defs.transform.project_files import (
    dbt_executable,
    ensure_packages,
    is_dbt_project,
)
from yecai.build_warehouse import DBT_SECRET_ENV
from yecai.config import is_configured, not_configured
from yecai.errors import YecaiError
from yecai.settings import Paths, get_paths


def dbt_command(paths: Paths, args: list[str]) -> list[str]:
    """The dbt command line for ``args`` in the company's project (pure)."""
    command = [dbt_executable(), *args]
    if args and args[0] in ("--help", "-h", "--version"):
        return command
    if "--project-dir" not in args:
        command += ["--project-dir", str(paths.dbt_project)]
    if "--profiles-dir" not in args:
        command += ["--profiles-dir", str(paths.dbt_project)]
    return command


def prepared_env(paths: Paths) -> dict[str, str]:
    """dbt's environment for this home; a YecaiError when the home holds no company."""
    if not is_configured(paths):
        raise not_configured(paths)
    if not is_dbt_project(paths.dbt_project):
        raise YecaiError(
            f"{paths.dbt_project} holds no dbt project",
            "run `yecai init DIR` (or `yecai demo generate`) to write the company's dbt project",
        )
    return dbt_env(paths)


def register(app: typer.Typer) -> None:
    @app.command(
        "dbt",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )
    def dbt(
        ctx: typer.Context,
        print_env: bool = typer.Option(
            False, "--print-env", help="Print the environment as export lines and exit."
        ),
    ) -> None:
        """Run dbt in the company's dbt project: `yecai dbt -- build --select party`.

        Sets the source registry (from sources.yml) and the home's paths as the pipeline does,
        and installs the product package first if needed. Exits with dbt's exit code.
        """
        paths = get_paths()
        env = prepared_env(paths)
        if print_env:
            for name, value in env.items():
                if name == DBT_SECRET_ENV:  # a key's subkey goes to no terminal
                    typer.echo(f"# {name} is not printed: run dbt through `yecai dbt -- …`")
                    continue
                typer.echo(f"export {name}={shlex.quote(value)}")
            return
        args = list(ctx.args)
        full_env = {**os.environ, **env}
        if not args or args[0] != "deps":
            ensure_packages(paths.dbt_project, env)
        paths.warehouse.mkdir(parents=True, exist_ok=True)
        if not args or args[0] != "deps":
            prepared = prepare_encrypted_build(paths)
            if prepared:
                typer.echo(prepared, err=True)
        done = subprocess.run(dbt_command(paths, args), cwd=paths.dbt_project, env=full_env)
        raise typer.Exit(code=done.returncode)
