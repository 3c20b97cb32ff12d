"""Commands that need no pipeline start without loading the pipeline's libraries.

Importing dagster and dagster-dbt costs seconds (4 CPU s of `yecai --help` before); every
`yecai info`, `yecai sql`, `yecai demo …` and each `yecai` a script calls paid it. The CLI
module must load them only inside the commands that run the pipeline.
"""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

HEAVY = ("dagster", "dagster_dbt", "dbt", "great_expectations", "demo.generate")

PROBE = f"""
import sys
import orchestration.cli
print(" ".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def test_the_cli_module_loads_no_pipeline_library():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [], f"imported at CLI start-up: {done.stdout.strip()}"
