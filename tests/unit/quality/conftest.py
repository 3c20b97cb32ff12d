"""Make the shared hand-made fixtures (quality_fixtures.py) importable in this folder's tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
