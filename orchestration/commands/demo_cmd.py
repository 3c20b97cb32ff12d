"""`yecai demo …`: stand up and move the demo group company (see demo/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from demo.defects import DefectLog
from demo.install import erp_url_written, install_company
from demo.sqlio import TargetError, parse_target
from orchestration.commands import demo_crm_cmd
from yecai.errors import YecaiError
from yecai.settings import get_paths

if TYPE_CHECKING:  # the generator imports the whole demo world: only when a command needs it
    from demo.generate import DemoSummary

app = typer.Typer(
    no_args_is_help=True,
    help="The demo group company: generate it, serve its CRM, move it forward in time.",
)
demo_crm_cmd.register(app)


def _connection_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean "cannot reach or write the database", turned into advice."""
    import psycopg
    import pymysql

    return (psycopg.OperationalError, pymysql.err.OperationalError, OSError)


def _target_or_error(url: str) -> None:
    try:
        parse_target(url)
    except TargetError as exc:
        raise YecaiError(
            f"--erp-url: {exc}",
            "pass postgresql://user@host:5432/db, "
            "mysql://user@host:3306/db, or leave it out for SQLite",
        ) from None


def summary_tables(summary: DemoSummary) -> list[Table]:
    """Rows per table per system, defects per kind, time per step."""
    rows = Table(title=f"demo rows (seed {summary.seed}, scale {summary.scale})")
    rows.add_column("system")
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    for system, counts in summary.rows.items():
        for table, n in counts.items():
            rows.add_row(system, table, f"{n:,}")
    defects = Table(title="injected defects (ground truth)")
    defects.add_column("kind")
    defects.add_column("count", justify="right")
    for kind, n in summary.defects.items():
        defects.add_row(kind, f"{n:,}")
    timing = Table(title="elapsed")
    timing.add_column("step")
    timing.add_column("seconds", justify="right")
    for step, seconds in summary.seconds.items():
        timing.add_row(step, f"{seconds:.2f}")
    timing.add_row("[bold]total[/]", f"[bold]{summary.total_seconds:.2f}[/]")
    return [rows, defects, timing]


@app.command("generate")
def generate(
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same company.")
    ] = 42,
    scale: Annotated[
        float,
        typer.Option(
            "--scale",
            min=0.0001,
            max=10.0,
            help="Size: 1.0 ≈ 50k sales orders and ~1M journal lines in a year; 0.01 takes seconds.",
        ),
    ] = 0.01,
    erp_url: Annotated[
        str | None,
        typer.Option(
            "--erp-url",
            help="Load the ERP into this PostgreSQL / MariaDB database "
            "(postgresql://user@host:5432/db or mysql://user@host:3306/db) instead of SQLite.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the demo systems. Default: <YECAI_HOME>/demo.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Generate the demo group company: ERP, second ERP, CRM store, HR exports and ground truth.

    Also installs the demo company's configuration (demo/company/: sources.yml, contracts, its
    dbt project) into YECAI_HOME, as `yecai init` lays out any company.
    """
    from demo.generate import STEPS, generate_demo

    console = Console()
    paths = get_paths()
    out_dir = out or paths.demo
    if erp_url:
        _target_or_error(erp_url)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=len(STEPS))
        started: list[str] = []

        def on_step(name: str) -> None:
            if started:
                progress.advance(task)
            started.append(name)
            progress.update(task, description=f"demo: {name}")

        try:
            summary = generate_demo(
                out_dir, seed=seed, scale=scale, erp_url=erp_url, progress=on_step
            )
        except _connection_errors() as exc:
            raise YecaiError(
                f"could not write the demo ERP to {erp_url or out_dir}: {str(exc).strip().splitlines()[0]}",
                "check that the database server is running and the URL's user may create databases, "
                "or leave out --erp-url to write SQLite",
            ) from None
        progress.advance(task)
    for table in summary_tables(summary):
        console.print(table)
    console.print(f"[bold green]demo written to[/] {out_dir}  (ERP: {summary.erp_target})")
    if Path(out_dir).resolve() == paths.demo.resolve():
        written = erp_url is None or erp_url_written(erp_url)
        install_company(paths.home, erp_url=erp_url if written else None)
        if not written:
            console.print(
                "[yellow]the ERP URL carries a password, so sources.yml does not hold it:[/] "
                "export YECAI_ERP_URL=<the url> before running yecai"
            )
        console.print(
            f"[bold green]demo company configuration installed in[/] {paths.home} "
            "(sources.yml, contracts/, dbt/)"
        )
    else:
        console.print(
            f"[yellow]the configuration was not installed:[/] its sources.yml expects the systems "
            f"under {paths.demo}; generate without --out to run the pipeline on them"
        )


def _manifest(out_dir: Path) -> dict:
    from demo.generate import ERP_SQLITE, MANIFEST

    path = out_dir / MANIFEST
    if not path.exists():
        if (out_dir / ERP_SQLITE).exists():
            return {"erp": str(out_dir / ERP_SQLITE)}
        raise YecaiError(
            f"no demo found in {out_dir} ({MANIFEST} is missing)",
            "run `yecai demo generate` first (or pass --out to the demo folder)",
        )
    return json.loads(path.read_text(encoding="utf-8"))


@app.command("advance")
def advance(
    days: Annotated[
        int, typer.Option("--days", min=1, max=366, help="How many business days to move forward.")
    ] = 1,
    erp_url: Annotated[
        str | None,
        typer.Option(
            "--erp-url",
            help="The ERP database to advance. Default: the one `yecai demo generate` wrote.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="The demo folder. Default: <YECAI_HOME>/demo.", show_default=False
        ),
    ] = None,
) -> None:
    """Move the demo company forward: new documents and vouchers, changes, deletes, late rows."""
    from demo.crm.advance import advance_crm
    from demo.erp.advance import ClockMissing, advance_erp
    from demo.generate import CRM_SQLITE, GROUND_TRUTH

    console = Console()
    out_dir = out or get_paths().demo
    manifest = _manifest(out_dir)
    url = erp_url or manifest["erp"]
    _target_or_error(url)
    target = parse_target(url)
    if target.dialect == "sqlite" and not Path(target.sqlite_path or "").exists():
        raise YecaiError(
            f"the demo ERP {target.sqlite_path} does not exist", "run `yecai demo generate` first"
        )
    log = DefectLog()
    with console.status(f"advancing the ERP by {days} day(s)…"):
        try:
            result = advance_erp(target, days, log)
        except ClockMissing as exc:
            raise YecaiError(
                f"{exc}: it is not a demo ERP",
                "point --erp-url at a database `yecai demo generate` wrote",
            ) from None
        except _connection_errors() as exc:
            raise YecaiError(
                f"could not open the demo ERP {target.describe()}: {str(exc).strip().splitlines()[0]}",
                "check that the database is running; pass --erp-url with the password if it needs one",
            ) from None
    crm_path = out_dir / CRM_SQLITE
    if crm_path.exists():
        with console.status(f"advancing the CRM by {days} day(s)…"):
            advance_crm(crm_path, days, int(manifest.get("seed", 42)), log)
    log.append_csv(out_dir / GROUND_TRUTH)
    table = Table(title=f"demo advanced {result.from_date} → {result.to_date}")
    table.add_column("system")
    table.add_column("change")
    table.add_column("rows", justify="right")
    for (system, kind), n in sorted(_count_by_system(log).items()):
        table.add_row(system, kind, f"{n:,}")
    console.print(table)
    console.print(f"changes recorded in {out_dir / GROUND_TRUTH}")


def _count_by_system(log: DefectLog) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for d in log.entries:
        counts[(d.system, d.kind)] = counts.get((d.system, d.kind), 0) + 1
    return counts
