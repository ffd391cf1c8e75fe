"""The tolerance within which a customer changes a proposal on its own."""

import pytest

from vmi_management.engine.confirmation import within_tolerance


@pytest.mark.parametrize(
    ("proposed", "requested", "percent", "units", "within"),
    [
        (50, 50, 0, 0, True),  # no change: always
        (50, 45, 10, 0, True),  # 10 % of 50 = 5
        (50, 44, 10, 0, False),
        (50, 56, 10, 8, False),  # within 8 units, not within 10 %
        (50, 54, 10, 8, True),
        (50, 40, 0, 10, True),  # units only
        (50, 49, 0, 0, False),  # no tolerance set: any change is reviewed
        (50, 0, 100, 0, True),  # dropping the line within 100 %
    ],
)
def test_within_tolerance(proposed, requested, percent, units, within):
    assert within_tolerance(proposed, requested, percent, units) is within
