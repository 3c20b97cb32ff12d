"""GX's stored validation results: redacted when written, and an existing home's results
(written before the redacting store) rewritten the first time a session opens."""

import great_expectations as gx
import pytest
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from quality.gx_context import context_root, gx_session
from yecai.settings import Paths

pytestmark = pytest.mark.unit

PLANTED = "120101199903156726"


def _result() -> ExpectationSuiteValidationResult:
    config = ExpectationConfiguration(
        type="expect_column_values_to_be_in_set",
        kwargs={"column": "national_id", "value_set": ["-"]},
        meta={"check": "c", "key_columns": ["employee_key"], "redact_columns": ["national_id"]},
    )
    evr = ExpectationValidationResult(
        success=False,
        expectation_config=config,
        result={
            "unexpected_count": 1,
            "partial_unexpected_list": [PLANTED],
            "unexpected_index_list": [{"employee_key": "hr:H00037", "national_id": PLANTED}],
        },
    )
    return ExpectationSuiteValidationResult(success=False, results=[evr], suite_name="s")


def _key() -> ValidationResultIdentifier:
    return ValidationResultIdentifier(
        ExpectationSuiteIdentifier("s"), RunIdentifier("r"), "warehouse-canonical.employee"
    )


def _stored_text(paths: Paths) -> str:
    files = list(context_root(paths).rglob("uncommitted/validations/**/*.json"))
    assert files
    return "".join(f.read_text() for f in files)


def test_results_written_through_a_session_are_redacted(tmp_path):
    paths = Paths(home=tmp_path)
    with gx_session(paths) as context:
        context.validation_results_store.set(_key(), _result())
    text = _stored_text(paths)
    assert PLANTED not in text and "hr:H00037" in text and "_redacted" in text


def test_results_of_an_older_home_are_rewritten(tmp_path):
    paths = Paths(home=tmp_path)
    root = context_root(paths)
    root.mkdir(parents=True)
    old = gx.get_context(mode="file", project_root_dir=str(root))  # GX's own default store
    old.validation_results_store.set(_key(), _result())
    assert PLANTED in _stored_text(paths)
    with gx_session(paths):
        pass
    assert PLANTED not in _stored_text(paths)


def test_stored_results_are_rewritten_once_not_in_every_session(tmp_path):
    """Every run opens several sessions and adds about a hundred results: rewriting them all
    in each session made a no-change publish at scale 0.01 spend 18 s on it."""
    paths = Paths(home=tmp_path)
    with gx_session(paths) as context:
        context.validation_results_store.set(_key(), _result())
    files = list(context_root(paths).rglob("uncommitted/validations/**/*.json"))
    written = {f: f.stat().st_mtime_ns for f in files}
    with gx_session(paths):
        pass
    assert {f: f.stat().st_mtime_ns for f in files} == written
