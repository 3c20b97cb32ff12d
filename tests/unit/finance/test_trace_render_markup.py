"""``yecai trace`` prints source strings as text: markup in a document number stays literal."""

from io import StringIO

import pytest
from rich.console import Console

from orchestration.finance_reports.trace_render import print_table

pytestmark = pytest.mark.unit

DOC = "[link=https://evil.example/phish]SO-2025-0001[/link]"


def _render(title, rows):
    out = StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=200)
    print_table(console, title, ["document_no", "memo"], rows)
    return out.getvalue()


def test_a_link_in_a_document_number_prints_literally():
    text = _render("documents", [(DOC, "[bold red]paid[/]")])
    assert "\x1b]8;" not in text  # no terminal hyperlink (OSC 8) was emitted
    assert DOC in text and "[bold red]paid[/]" in text


def test_markup_in_a_title_or_an_empty_result_prints_literally():
    text = _render(f"journal lines of {DOC}", [])
    assert "\x1b]8;" not in text and DOC in text and "nothing found" in text
