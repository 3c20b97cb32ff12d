"""What `yecai run` decides from its options, and how a failed step is reported."""

from datetime import date
from types import SimpleNamespace

import pytest

from orchestration.commands.pipeline_cmd import _period_range, _rebuild_range
from orchestration.defs.shared.partitions import period_of
from orchestration.runner import root_cause_message
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit


def test_run_defaults_to_every_period_up_to_the_current_month(monkeypatch):
    monkeypatch.setenv("YECAI_FIRST_PERIOD", "2025-01")
    assert _period_range(None, None, None) == ("2025-01", period_of(date.today()))


def test_an_increment_asks_its_per_period_models_for_the_open_period_only(monkeypatch):
    """The models add the periods new rows reach; asking for every period would rewrite the
    whole ledger in every increment."""
    monkeypatch.setenv("YECAI_FIRST_PERIOD", "2025-01")
    today = period_of(date.today())
    assert _rebuild_range(None, None, None, full_build=False) == (today, today)
    assert _rebuild_range(None, None, None, full_build=True) == ("2025-01", today)
    assert _rebuild_range("2025-06", None, None, full_build=False) == ("2025-06", "2025-06")
    assert _rebuild_range(None, "2025-02", None, full_build=False) == ("2025-02", today)


def test_one_period_or_a_range_but_not_both():
    assert _period_range("2025-06", None, None) == ("2025-06", "2025-06")
    assert _period_range(None, "2025-02", "2025-04") == ("2025-02", "2025-04")
    with pytest.raises(YecaiError, match="cannot be combined"):
        _period_range("2025-06", "2025-01", None)


def test_a_bad_first_period_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv("YECAI_FIRST_PERIOD", "January")
    with pytest.raises(YecaiError, match="YECAI_FIRST_PERIOD"):
        _period_range(None, None, None)


def test_the_failure_shown_is_the_innermost_error_without_its_class_path():
    inner = SimpleNamespace(
        message="dagster._core.definitions.events.Failure: not published", cause=None
    )
    outer = SimpleNamespace(
        message="DagsterExecutionStepExecutionError: Error occurred", cause=inner
    )
    assert root_cause_message(outer) == "not published"
