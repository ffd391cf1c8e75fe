import pytest

from vmi_management.engine import LineInput


@pytest.fixture
def line():
    """A factory of min/max lines with overridable fields."""

    def make(**values):
        defaults = {
            "product": "P",
            "location": "L",
            "on_hand": 0.0,
            "policy": "min_max",
            "min_qty": 10.0,
            "max_qty": 50.0,
        }
        return LineInput(**{**defaults, **values})

    return make
