import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from vmi_management.engine import LineInput  # noqa: E402


@pytest.fixture
def line():
    """A factory of min/max lines with overridable fields."""
    def make(**values):
        defaults = {"product": "P", "location": "L", "on_hand": 0.0, "policy": "min_max",
                    "min_qty": 10.0, "max_qty": 50.0}
        return LineInput(**{**defaults, **values})
    return make
