"""``yecai privacy …``: erase one person, apply raw retention, rotate a key, check the audit log
(issue 13)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from yecai.settings import get_paths

app = typer.Typer(
    help="Personal data: erase one person, apply raw retention, rotate a key, check the audit log.",
    no_args_is_help=True,
)


@app.command("erase")
def erase(
    person: str = typer.Option(
        ..., "--person", help="The person's national ID number, as the source wrote it."
    ),
    reason: str = typer.Option(
        ..., "--reason", help="Why (a PIPL request's reference): recorded in the audit log."
    ),
) -> None:
    """Remove one person from the lake's raw and quarantine zones, the build warehouse, every
    kept version of the published lake and every role's copy: their values become tokens,
    amounts stay (the books still balance). Recorded in the audit log by token, never the ID.
    Erase them in the source systems first, or the next extraction brings them back."""
    from yecai.privacy.erase import erase_person

    console = Console()
    report = erase_person(get_paths(), person, reason, progress=lambda m: console.print(m))
    console.print(escape(report.message()), highlight=False)
    if report.remaining:
        raise typer.Exit(1)


@app.command("retain")
def retain() -> None:
    """Apply sources.yml's raw_retention_days: in the raw zone, the personal values (classified
    columns) of record versions superseded or deleted longer ago than that become null; the
    current version of every record, its key and the batch metadata stay, so a full rebuild
    gives the same current data. Recorded in the audit log. The daily run applies it after each
    ingest too."""
    from yecai.privacy.retention import apply_retention

    console = Console()
    report = apply_retention(get_paths(), say=lambda m: console.print(m, markup=False))
    console.print(escape(report.message()), highlight=False)


@app.command("rotate")
def rotate(
    key: str = typer.Option(
        ...,
        "--key",
        help="Which key was changed: token, publish, warehouse or lake (docs/security.md, Keys).",
    ),
    reason: str = typer.Option(
        None, "--reason", help="Why (a schedule, a suspected leak): recorded in the audit log."
    ),
) -> None:
    """Re-write what a key protects under its new value: put the new key in YECAI_<KEY>_KEY(_FILE)
    and, for warehouse and lake, the old one in YECAI_<KEY>_KEY_PREVIOUS(_FILE) first. token
    and publish re-write every role's copy; warehouse re-encrypts the build warehouse; lake
    re-encrypts the raw, quarantine and index files of entities with classified columns. Says
    when the previous key may be removed; recorded in the audit log (key IDs, never keys)."""
    from yecai.privacy.rotate import rotate as rotate_key

    console = Console()
    report = rotate_key(
        get_paths(), key.strip().lower(), reason, progress=lambda m: console.print(escape(m))
    )
    console.print(escape(report.message()), highlight=False)
    if report.left_on_previous:
        raise typer.Exit(1)


@app.command("audit")
def audit_log(
    verify: bool = typer.Option(
        False,
        "--verify",
        help="Check the chain (edited, removed, reordered entries) and the anchored head "
        "(a cut-off tail); exit 1 on any problem.",
    ),
) -> None:
    """Show the audit log's head: its last entry's number and hash. Keep the head outside the
    home (YECAI_AUDIT_ANCHOR_FILE: every entry appends its head there), so --verify can tell a
    log whose end was cut off."""
    from yecai.privacy import audit

    paths = get_paths()
    console = Console(soft_wrap=True)  # hashes and paths on one line each
    entries = audit.read(paths)
    head = entries[-1] if entries else None
    where = audit.audit_path(paths)
    if head is None:
        console.print(f"{where}: no entries", highlight=False)
    else:
        console.print(
            f"{where}: {len(entries)} entries; head: entry {head['seq']} {head['hash']} "
            f"({head['action']}, {head['at']})",
            highlight=False,
        )
    anchor = audit.anchor_path(paths)
    if anchor is None:
        console.print(
            f"no anchor: set {audit.ANCHOR_ENV} to a file outside the home (or keep the head "
            "above elsewhere) so a log cut off at its end is noticed",
            highlight=False,
        )
    if not verify:
        return
    anchored = audit.read_anchor(anchor) if anchor is not None else None
    problems = audit.verify(entries) + audit.verify_anchor(entries, anchored)
    for problem in problems:
        console.print(f"[bold red]problem:[/] {escape(problem)}", highlight=False)
    if problems:
        raise typer.Exit(1)
    held = f"; it holds the anchored head (entry {anchored[0]})" if anchored else ""
    console.print(f"the chain is intact{held}", highlight=False)
