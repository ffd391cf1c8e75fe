"""Projected stock of a line, day by day (engine/projection.py)."""

from datetime import date, timedelta

import pytest

from vmi_management.engine import LineInput
from vmi_management.engine.demand import Event
from vmi_management.engine.projection import Receipt, horizon_days, project_stock

TODAY = date(2026, 3, 2)


def line(**values):
    defaults = dict(
        product="P",
        location="L",
        on_hand=50.0,
        policy="min_max",
        min_qty=20.0,
        max_qty=80.0,
        lead_time_days=3.0,
        demand=(10.0,) * 28,
        forecast_method="moving_average",
    )
    defaults.update(values)
    return LineInput(**defaults)


def test_each_day_takes_the_forecast_and_flags_the_first_day_below_min():
    projection = project_stock(line(), TODAY, review_days=7)
    assert projection.horizon_days == 10  # 3 days of lead time + 7 of review period
    first = projection.rows[0]
    assert (first.day, first.start, first.demand, first.incoming, first.end) == (
        TODAY,
        50.0,
        10.0,
        0.0,
        40.0,
    )
    assert [row.end for row in projection.rows[:6]] == [
        40.0,
        30.0,
        20.0,
        10.0,
        0.0,
        0.0,
    ]
    assert all((row.min, row.max) == (20.0, 80.0) for row in projection.rows)
    # strictly below min on the fourth day, out of stock on the fifth
    assert projection.first_below_min == TODAY + timedelta(days=3)
    assert projection.first_stockout == TODAY + timedelta(days=4)
    # the shelf never goes below zero: what demand it cannot meet is a shortage
    assert projection.rows[5].shortage == 10.0


def test_receipts_arrive_on_their_day_late_ones_today_and_are_named():
    receipts = [
        Receipt(TODAY + timedelta(days=2), 40.0, "WH/OUT/7"),
        Receipt(TODAY - timedelta(days=3), 5.0, "late"),
        Receipt(TODAY + timedelta(days=60), 99.0, "far"),
    ]
    projection = project_stock(line(), TODAY, receipts, review_days=7)
    rows = projection.rows
    assert rows[0].incoming == 5.0 and "late +5" in rows[0].events
    assert rows[2].incoming == 40.0 and rows[2].events == "WH/OUT/7 +40"
    assert sum(row.incoming for row in rows) == 45.0  # beyond the horizon: left out
    assert [row.end for row in rows[:3]] == [45.0, 35.0, 65.0]
    assert (
        projection.first_stockout is None
        or projection.first_stockout > TODAY + timedelta(days=7)
    )


def test_committed_stock_is_not_available():
    projection = project_stock(line(committed=30.0), TODAY, review_days=1)
    assert projection.rows[0].start == 20.0
    assert projection.horizon_days == 7  # never shorter than a week


def test_events_move_demand_and_are_named_on_their_days():
    promotion = Event("Spring promotion", 2, 3, factor=2.0)
    projection = project_stock(
        line(on_hand=200.0, events=(promotion,)), TODAY, review_days=7
    )
    assert [row.demand for row in projection.rows[:5]] == [10.0, 10.0, 20.0, 20.0, 10.0]
    assert projection.rows[2].events == "Spring promotion"
    assert projection.rows[1].events == ""


def test_reorder_point_levels_are_s_and_s_plus_q():
    projection = project_stock(
        line(policy="reorder_point", reorder_point=15.0, order_qty=30.0), TODAY
    )
    assert {(row.min, row.max) for row in projection.rows} == {(15.0, 45.0)}


def test_days_of_supply_levels_follow_the_demand_of_each_day():
    dos = line(
        policy="days_of_supply",
        target_days=5.0,
        lead_time_days=2.0,
        safety_stock_mode="fixed",
        safety_stock_value=4.0,
        on_hand=100.0,
        events=(Event("Promo", 3, 3, quantity=30.0),),
    )
    assert horizon_days(dos) == 7
    projection = project_stock(dos, TODAY)
    rows = projection.rows
    # day 0: lead-time demand 20 + safety 4; order-up-to: 70, the promotion's 30
    # (day 3, inside the cover) and 4
    assert (rows[0].min, rows[0].max) == (24.0, 104.0)
    # day 2: the promotion falls within the lead time
    assert rows[2].min == pytest.approx(54.0)
    assert rows[4].min == 24.0


def test_no_history_projects_flat_stock():
    projection = project_stock(line(demand=(), on_hand=0.0), TODAY)
    assert {row.demand for row in projection.rows} == {0.0}
    assert projection.first_stockout == TODAY


def test_rows_serialise_for_charts():
    data = project_stock(line(), TODAY).rows[0].to_dict()
    assert (
        data["day"] == "2026-03-02"
        and data["end"] == 40.0
        and set(data) >= {"min", "max", "events"}
    )
