from vmi_management.engine import plan_line
from vmi_management.engine.exceptions import (
    LINE_EXCEPTIONS,
    demand_spike,
    line_exceptions,
)


def test_out_of_stock_and_projected_stockout(line):
    assert "out_of_stock" in line_exceptions(plan_line(line(on_hand=0.0)), ())
    steady = (4.0,) * 30
    decision = plan_line(
        line(on_hand=6.0, demand=steady, lead_time_days=3.0, min_qty=2.0, max_qty=50.0)
    )
    assert line_exceptions(decision, steady) == {
        "projected_stockout"
    }, "6 on hand, 12 needed over the lead time"


def test_below_min_only_when_the_order_does_not_fix_it(line):
    fixed = plan_line(line(on_hand=5.0))
    assert "below_min" not in line_exceptions(
        fixed, ()
    ), "the order brings it back up: the normal case"
    capped = plan_line(line(on_hand=5.0, capacity=7.0))
    assert {"below_min", "capacity_capped"} <= line_exceptions(capped, ())


def test_overstock(line):
    assert line_exceptions(plan_line(line(on_hand=80.0)), ()) == {"overstock"}


def test_demand_spike_needs_history_and_an_outlier():
    steady = (2.0, 3.0) * 10
    assert not demand_spike(steady, 2.5, 0.5)
    assert demand_spike(steady + (9.0,), 2.5, 0.5)
    assert not demand_spike((9.0,), 2.5, 0.5), "too little history to call it a spike"


def test_every_kind_has_a_severity():
    assert set(LINE_EXCEPTIONS.values()) <= {"critical", "high", "medium", "low"}
