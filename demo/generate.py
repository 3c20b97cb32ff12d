"""Stand up the whole demo group company: World → ERP, second ERP, CRM, HR exports, ground truth.

``generate_demo`` is what ``yecai demo generate`` runs. It writes, under ``out_dir``:

- ``erp.sqlite``       the group ERP (or the database at ``erp_url``)
- ``erp2.sqlite``      the foreign subsidiary's system
- ``crm.sqlite``       the CRM's store (served by ``yecai demo crm-serve``)
- ``hr_drop/``         HR export files
- ``ground_truth.csv`` every injected defect (kind, system, entity, key, detail)
- ``demo.json``        seed, scale and where the ERP was written (``advance`` reads it)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from demo.crm.generate import generate_crm
from demo.defects import DefectConfig, DefectLog
from demo.erp.generate import generate_erp
from demo.erp2.generate import generate_erp2
from demo.hr.exports import write_hr_exports
from demo.parallel import run_forked
from demo.sqlio import parse_target, write_tables
from demo.world import World, build_world, save_world

GROUND_TRUTH = "ground_truth.csv"
MANIFEST = "demo.json"
ERP_SQLITE = "erp.sqlite"
ERP2_SQLITE = "erp2.sqlite"
CRM_SQLITE = "crm.sqlite"
HR_DROP = "hr_drop"

# The steps generate_demo reports to its progress callback, in order.
STEPS = ("world", "erp", "erp2", "crm", "hr exports", "ground truth")


@dataclass
class DemoSummary:
    """What generate_demo made."""

    out_dir: Path
    seed: int
    scale: float
    erp_target: str  # SQLite path or URL (password removed)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # system → table → rows
    defects: dict[str, int] = field(default_factory=dict)  # kind → count
    # step → seconds of its own work; erp2 and the HR exports run beside the ERP, so these
    # add up to more than the wall time
    seconds: dict[str, float] = field(default_factory=dict)
    wall_seconds: float = 0.0
    files: list[Path] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return self.wall_seconds or sum(self.seconds.values())


def redact_url(url: str) -> str:
    """The URL without its password, for logs and the manifest."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


@dataclass
class _SideSystems:
    """What the side process made: the second ERP and the HR exports, which need nothing but
    the World, with their own defect logs (merged in the sequential order afterwards)."""

    erp2_rows: dict[str, int]
    erp2_log: DefectLog
    hr_files: list[Path]
    hr_log: DefectLog
    seconds: dict[str, float]


def _side_systems(world: World, out_dir: Path, config: DefectConfig) -> _SideSystems:
    clock = time.perf_counter()
    erp2_log, hr_log = DefectLog(), DefectLog()
    erp2 = generate_erp2(world, erp2_log, config)
    write_tables(erp2, parse_target(out_dir / ERP2_SQLITE))
    erp2_seconds = time.perf_counter() - clock
    hr_files = write_hr_exports(world, out_dir / HR_DROP, hr_log, config)
    hr_seconds = time.perf_counter() - clock - erp2_seconds
    return _SideSystems(
        erp2.counts(),
        erp2_log,
        hr_files,
        hr_log,
        {"erp2": round(erp2_seconds, 2), "hr exports": round(hr_seconds, 2)},
    )


def generate_demo(
    out_dir: Path,
    seed: int = 42,
    scale: float = 0.01,
    erp_url: str | None = None,
    defects: DefectConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Generate every demo source system into ``out_dir``. ``progress(step)`` is called as each
    step of ``STEPS`` starts (erp2 and the HR exports are made by a second process while the
    ERP is: each draws from its own seeded Random and logs into its own DefectLog, and the logs
    are joined in the order of ``STEPS``, so the output is the same as one after the other)."""
    config = defects or DefectConfig()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    erp_target = parse_target(erp_url) if erp_url else parse_target(out_dir / ERP_SQLITE)
    summary = DemoSummary(
        out_dir, seed, scale, redact_url(erp_url) if erp_url else str(out_dir / ERP_SQLITE)
    )
    started = clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        if summary.seconds:
            last = list(summary.seconds)[-1]
            summary.seconds[last] = round(now - clock, 2)
        clock = now
        summary.seconds[name] = 0.0
        if progress:
            progress(name)

    step("world")
    world = build_world(seed, scale)
    save_world(world, out_dir)
    with run_forked(_side_systems, world, out_dir, config) as side_job:
        step("erp")
        erp_log, crm_log = DefectLog(), DefectLog()
        # Rows go to the target as they are made: holding them all would not fit at scale 10.
        erp = generate_erp(world, erp_log, config, erp_target)
        summary.rows["erp"] = erp.tables.counts()
        step("crm")
        generate_crm(
            world, out_dir / CRM_SQLITE, crm_log, config, erp_customer_numbers=erp.customer_numbers
        )
        step("erp2")
        side = side_job.result()
    step("hr exports")
    step("ground truth")
    summary.seconds.update(side.seconds)
    summary.seconds = {name: summary.seconds[name] for name in STEPS if name in summary.seconds}
    summary.rows = {"erp": summary.rows["erp"], "erp2": side.erp2_rows}
    summary.rows["hr"] = {"files": len(side.hr_files)}
    log = DefectLog()
    for part in (erp_log, side.erp2_log, crm_log, side.hr_log):
        log.extend(part)
    log.write_csv(out_dir / GROUND_TRUTH)
    manifest = {
        "seed": seed,
        "scale": scale,
        "erp": summary.erp_target,
        "erp2": str(out_dir / ERP2_SQLITE),
        "crm": str(out_dir / CRM_SQLITE),
        "hr_drop": str(out_dir / HR_DROP),
        "ground_truth": str(out_dir / GROUND_TRUTH),
        "start_date": world.start_date.isoformat(),
        "end_date": world.end_date.isoformat(),
    }
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    summary.defects = dict(sorted(log.counts().items()))
    summary.files = [
        out_dir / ERP2_SQLITE,
        out_dir / CRM_SQLITE,
        *side.hr_files,
        out_dir / GROUND_TRUTH,
        out_dir / MANIFEST,
    ]
    if erp_target.dialect == "sqlite":
        summary.files.insert(0, out_dir / ERP_SQLITE)
    summary.seconds["ground truth"] = round(time.perf_counter() - clock, 2)
    summary.wall_seconds = round(time.perf_counter() - started, 2)
    return summary
