"""Data Docs render what is new since their last build, never every result ever stored."""

from __future__ import annotations

import pytest
import quality_fixtures as qf

from quality.gx_context import build_data_docs, data_docs_dir
from quality.runner import run_layer
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def _pages(paths: Paths) -> dict:
    return {p: p.stat().st_mtime_ns for p in (data_docs_dir(paths) / "validations").rglob("*.html")}


def _link(paths: Paths, page) -> str:
    """How the index links a page: its path under the site, run time folder included."""
    return page.relative_to(data_docs_dir(paths)).as_posix()


def test_a_second_run_renders_only_its_own_results_and_the_index_lists_both(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    run_layer(paths, "marts", run_id="first-run")
    first = _pages(paths)
    assert first

    run_layer(paths, "marts", run_id="second-run")
    second = _pages(paths)
    added = set(second) - set(first)
    assert len(added) == len(first)  # one page per suite, for the new run
    assert {p: second[p] for p in first} == first  # the first run's pages were not rendered again
    index = (data_docs_dir(paths) / "index.html").read_text(encoding="utf-8")
    assert all(_link(paths, p) in index for p in [*added, *first])

    index_written = (data_docs_dir(paths) / "index.html").stat().st_mtime_ns
    build_data_docs(paths)  # nothing new: nothing rendered, not even the index
    assert (data_docs_dir(paths) / "index.html").stat().st_mtime_ns == index_written
    assert _pages(paths) == second


def test_without_its_stamp_the_site_is_built_whole(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    run_layer(paths, "marts", run_id="first-run")
    before = _pages(paths)
    (data_docs_dir(paths) / ".built").unlink()
    build_data_docs(paths)
    after = _pages(paths)
    assert set(after) == set(before) and all(after[p] > before[p] for p in before)
