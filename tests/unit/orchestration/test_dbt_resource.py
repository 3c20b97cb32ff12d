"""The dbt resource skips `dbt --version` and the in-process adapter, and says so if it can't."""

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource
from dagster_dbt.core import resource as dagster_dbt_resource

from demo.install import COMPANY_DIR
from orchestration.defs.transform.project import YecaiDbtCliResource
from orchestration.defs.transform.project_files import bundled_dbt_version, dbt_executable

pytestmark = pytest.mark.unit


def _resource(executable: str) -> YecaiDbtCliResource:
    # Any company's dbt project will do (the resource only needs its profiles.yml).
    project = COMPANY_DIR / "dbt"
    return YecaiDbtCliResource(
        project_dir=str(project), profiles_dir=str(project), dbt_executable=executable
    )


def test_dagster_dbt_still_calls_the_two_methods_the_resource_overrides():
    # If an upgrade renames or stops calling them, the overrides would silently do nothing
    # and every dbt step would pay `dbt --version` and the adapter load again.
    source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in source
    assert "self._initialize_dbt_core_adapter(" in source
    assert "_cli_version" in vars(DbtCliResource)
    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource)


def test_version_is_what_dbt_reports_without_running_dbt(monkeypatch):
    executable = dbt_executable()
    reported = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    expected = re.search(r"(\d+\.\d+\.\d+)", reported).group(1)

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"dbt was started to learn its version: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    assert str(_resource(executable)._cli_version) == expected


def test_a_dbt_from_elsewhere_is_asked_for_its_version(tmp_path: Path):
    fake = tmp_path / "dbt"
    fake.write_text("#!/bin/sh\necho 'Core:\n  - installed: 9.8.7'\n", encoding="utf-8")
    fake.chmod(0o755)
    assert bundled_dbt_version(str(fake)) is None
    assert str(_resource(str(fake))._cli_version) == "9.8.7"


def test_the_environment_dbt_is_recognised():
    assert bundled_dbt_version(str(Path(sys.executable).parent / "dbt")) is not None


@pytest.mark.parametrize("args", [["build"], ["build", "--vars", '{"period": "2025-01"}']])
def test_no_adapter_is_loaded_into_the_orchestrating_process(args):
    assert _resource(dbt_executable())._initialize_dbt_core_adapter(args) is None


def test_a_runs_parse_state_is_where_dagster_dbt_seeds_the_next_run_from(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

    from orchestration.defs.transform.project import keep_parse_state

    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    project = tmp_path / "dbt"
    run_target = project / "target" / "dbt_models-0c509e5-6af1b47"
    run_target.mkdir(parents=True)
    shared = project / "target" / "partial_parse.msgpack"
    shared.write_bytes(b"parsed without vars")
    invocation = SimpleNamespace(target_path=run_target, project_dir=project)

    keep_parse_state(invocation)  # a run that wrote no state (dbt failed early) changes nothing
    assert shared.read_bytes() == b"parsed without vars"
    (run_target / "partial_parse.msgpack").write_bytes(b"parsed with this run's vars")
    keep_parse_state(invocation)
    assert shared.read_bytes() == b"parsed with this run's vars"
    assert not list(shared.parent.glob("*.tmp"))
    # dagster-dbt still copies <project>/<DBT_TARGET_PATH or target>/partial_parse.msgpack into
    # each run's own target folder: if an upgrade stops, the kept state seeds nothing
    source = inspect.getsource(DbtCliInvocation.run)
    assert "_get_dbt_target_path()" in source and "PARTIAL_PARSE_FILE_NAME" in source
