import pytest

from vmi_management.engine import STATUSES, decision_status, plan_line, stock_status


@pytest.mark.parametrize(
    ("on_hand", "position", "lead_time_demand", "expected"),
    [
        (0.0, 40.0, 5.0, "out_of_stock"),
        (-2.0, 0.0, 0.0, "out_of_stock"),
        (6.0, 6.0, 8.0, "projected_stockout"),
        (6.0, 8.0, 8.0, "below_min"),
        (
            6.0,
            20.0,
            8.0,
            "ok",
        ),  # below min on the shelf, but enough on its way: the position counts
        (
            40.0,
            60.0,
            8.0,
            "overstock",
        ),  # the position above max, counting what is on order
        (25.0, 25.0, 8.0, "ok"),
        (10.0, 10.0, 0.0, "ok"),
        (60.0, 60.0, 8.0, "overstock"),
    ],
)
def test_status_against_min_10_max_50(on_hand, position, lead_time_demand, expected):
    assert stock_status(on_hand, position, 10.0, 50.0, lead_time_demand) == expected


def test_no_target_level_means_no_overstock():
    assert stock_status(1000.0, 1000.0, 10.0, 0.0, 0.0) == "ok"


def test_status_of_a_decision_with_days_of_supply(line):
    decision = plan_line(line(on_hand=8.0, demand=(2.0,) * 30, lead_time_days=2.0))
    status, days = decision_status(decision)
    assert status in STATUSES
    assert status == "below_min"
    assert days == pytest.approx(8.0 / decision.demand_rate)


def test_days_of_supply_undefined_without_demand(line):
    assert decision_status(plan_line(line(on_hand=8.0)))[1] is None


def test_reorder_point_status_against_s_plus_q(line):
    """(s, Q): a normal delivery brings the position up to s + Q, which is not
    overstock."""
    decision = plan_line(
        line(policy="reorder_point", reorder_point=20, order_qty=30, on_hand=45)
    )
    assert (decision.trigger_level, decision.target_level) == (20, 50)
    assert decision_status(decision)[0] == "ok"
    assert (
        decision_status(
            plan_line(
                line(policy="reorder_point", reorder_point=20, order_qty=30, on_hand=51)
            )
        )[0]
        == "overstock"
    )
