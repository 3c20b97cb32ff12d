"""A home holding the demo company: its generated systems and its configuration.

What ``yecai demo generate`` does, as a function for tests that generate with their own seed,
scale or defect rates: the systems under ``<home>/demo`` and demo/company/ installed into the
home (sources.yml, contracts, the company's dbt project).
"""

from __future__ import annotations

from demo.generate import DemoSummary, generate_demo
from demo.install import install_company
from yecai.settings import Paths


def generate_demo_company(paths: Paths, erp_url: str | None = None, **options) -> DemoSummary:
    summary = generate_demo(paths.demo, erp_url=erp_url, **options)
    install_company(paths.home, erp_url=erp_url)
    return summary
