"""Reuse the hand-made warehouses of tests/unit/quality/quality_fixtures.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "quality"))
