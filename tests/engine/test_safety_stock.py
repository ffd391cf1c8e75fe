from math import sqrt

import pytest

from vmi_management.engine import (
    plan_line,
    safety_stock,
    service_factor,
    statistical_safety_stock,
)


def test_service_factor():
    assert service_factor(0.5) == pytest.approx(0.0)
    assert service_factor(0.95) == pytest.approx(1.6448536, rel=1e-6)
    assert service_factor(0.99) == pytest.approx(2.3263479, rel=1e-6)


def test_statistical_formula_by_hand():
    # z(0.95) × sqrt(LT 4 × σd 2² + d 10² × σLT 1²) = 1.6449 × sqrt(16 + 100)
    assert statistical_safety_stock(0.95, 10, 2, 4, 1) == pytest.approx(
        1.6448536 * sqrt(116), rel=1e-6
    )
    assert statistical_safety_stock(0.95, 10, 2, 4, 0) == pytest.approx(
        1.6448536 * 4, rel=1e-6
    )


def test_modes():
    assert safety_stock("fixed", 7, None, 3, 1, 2, 0)[0] == 7
    assert safety_stock("days", 2.5, None, 4, 1, 2, 0)[0] == 10
    assert safety_stock(None, None, None, 4, 1, 2, 0) == (0.0, "none")
    quantity, note = safety_stock("service_level", None, 0.9, 4, 1, 2, 0.5)
    assert quantity == pytest.approx(statistical_safety_stock(0.9, 4, 1, 2, 0.5))
    assert note.startswith("z(0.9) = 1.282")


def test_below_fifty_percent_service_never_gives_negative_safety_stock():
    assert statistical_safety_stock(0.3, 10, 2, 4, 1) == 0


def test_statistical_safety_stock_uses_measured_variability(line):
    demand = (2.0, 4.0) * 15
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=5,
            lead_time_days=4,
            lead_time_std_days=1,
            safety_stock_mode="service_level",
            service_level=0.95,
            demand=demand,
        )
    )
    assert decision.demand_std == pytest.approx(1.0171, rel=1e-3)
    expected = 1.6448536 * sqrt(
        4 * decision.demand_std**2 + decision.demand_rate**2 * 1
    )
    assert decision.safety_stock == pytest.approx(expected, rel=1e-6)
