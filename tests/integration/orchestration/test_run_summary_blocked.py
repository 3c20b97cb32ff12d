"""The run summary of a run whose blocking checks failed: nothing published, and why.

The fixture's ledger lacks the columns the marts suite requires, so its blocking checks fail
and publish never runs (as in test_blocking_gate); the summary is gathered from what that
real run recorded (the Dagster outcome, the quality results history, the build warehouse).
"""

import io

import dagster as dg
import pytest
from rich.console import Console

from yecai.settings import get_paths

pytestmark = pytest.mark.integration


def test_blocked_run_summary_names_the_blocking_checks(yecai_home, fixture_defs):
    from orchestration.commands.pipeline_cmd import _print_summary, _run_and_report

    out = io.StringIO()
    console = Console(file=out, width=200)
    outcome = _run_and_report(
        "yecai_pipeline",
        ("2025-01", "2025-01"),
        {},
        console,
        definitions=fixture_defs,
        asset_selection=[
            dg.AssetKey(["finance", "gl_lines"]),
            dg.AssetKey(["warehouse", "published"]),
        ],
    )
    assert not outcome.success
    _print_summary(outcome, console)
    text = out.getvalue()
    lines = text.splitlines()
    assert "NOT published — nothing is published yet" in lines
    # The check step failed on its blocking verdict: that is the reason, with the check.
    because = lines.index("NOT published — nothing is published yet") + 1
    assert lines[because].startswith("  because     step quality_models failed: "), lines
    assert "finance/gl_lines: blocking_rules" in " ".join(lines[because : because + 3])
    attention = lines[lines.index("needs attention") + 1 :]
    blocking = [line for line in attention if line.startswith("  ✘ blocking  finance.gl_lines · ")]
    assert blocking, text
    (checks,) = [line for line in lines if line.startswith("checks ")]
    counted = int(checks.split("·")[-1].split()[0])
    # every blocking failure counted; at most NAMES_SHOWN named, the rest on the scorecard
    assert counted >= len(blocking) and (
        counted == len(blocking) or "more on the scorecard" in text
    )
    assert "yecai ui" in text and outcome.run_id[:8] in text
    # The progress lines above it: one per finished step, none per check.
    assert not any(line.startswith("✔ check") or line.startswith("✘ check") for line in lines)
    assert not get_paths().published_catalog.exists()
