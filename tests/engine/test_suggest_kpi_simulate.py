from math import ceil

import pytest

from vmi_management.engine import LineInput, statistical_safety_stock
from vmi_management.engine.kpi import (
    average_days_of_supply,
    bullwhip_ratio,
    days_of_supply,
    fill_rate,
    forecast_accuracy,
    inventory_turnover,
    on_time_rate,
    scorecard,
    stockout_days,
    summarize,
)
from vmi_management.engine.simulate import compare, simulate
from vmi_management.engine.suggest import apply_suggestion, suggest_thresholds

STEADY = (4.0, 6.0) * 25  # 50 days, mean 5


def test_suggested_min_max_from_history(line):
    suggestion = suggest_thresholds(
        line(demand=STEADY, lead_time_days=3, service_level=0.95, multiple=5),
        review_days=7,
    )
    rate = suggestion.demand_rate
    assert rate == pytest.approx(5.0, rel=0.05)
    safety = statistical_safety_stock(0.95, rate, suggestion.demand_std, 3, 0)
    assert suggestion.safety_stock == pytest.approx(safety)
    assert suggestion.reorder_point == ceil(3 * rate + safety)
    assert suggestion.min_qty == suggestion.reorder_point
    assert (
        suggestion.max_qty == suggestion.min_qty + 35
    ), "a week of demand (about 34.5), in packs of 5"
    assert [step.name for step in suggestion.steps][-1] == "min / max"
    assert "holdout RMSSE" in suggestion.steps[0].note


def test_suggestion_for_reorder_point_and_days_of_supply(line):
    rop = suggest_thresholds(
        line(policy="reorder_point", demand=STEADY, lead_time_days=2, moq=50),
        review_days=7,
    )
    assert rop.order_qty == 50, "one week of demand is 35, below the MOQ"
    dos = suggest_thresholds(
        line(policy="days_of_supply", demand=STEADY, lead_time_days=2), review_days=3
    )
    assert dos.target_days == 3
    applied = apply_suggestion(
        line(policy="reorder_point", reorder_point=1, order_qty=1), rop
    )
    assert (applied.reorder_point, applied.order_qty) == (rop.reorder_point, 50)


def test_kpis_on_hand_computed_history():
    assert fill_rate([10, 10, 0], [10, 5, 0]) == 0.75
    assert fill_rate([0, 0], [0, 0]) is None
    assert inventory_turnover([5] * 10, [25] * 10, annualize=False) == 2
    assert inventory_turnover([5] * 10, [25] * 10) == pytest.approx(2 * 365 / 10)
    assert inventory_turnover([5], [0]) is None
    assert days_of_supply(30, 5) == 6 and days_of_supply(30, 0) is None
    assert average_days_of_supply([10, 20, 30], [5, 5, 5]) == 4
    assert stockout_days([5, 0, -1, 3]) == 2
    assert stockout_days([5, 2, 3], demanded=[1, 6, 1], served=[1, 5, 1]) == 1
    accuracy, bias = forecast_accuracy([10, 10], [12, 6])
    assert accuracy == pytest.approx(1 - 6 / 20) and bias == -1
    assert bullwhip_ratio([0, 20, 0, 20], [5, 15, 5, 15]) == 4
    assert bullwhip_ratio([1, 2], [3, 3]) is None


def test_simulation_traced_by_hand():
    """min 4, max 10, lead time 1 day, 3 a day from 6 on hand.

    day 0: 6 − 3 = 3 < 4 → order 7 (arrives day 1)
    day 1: 3 + 7 = 10 − 3 = 7
    day 2: 7 − 3 = 4
    day 3: 4 − 3 = 1 < 4 → order 9 (arrives day 4)
    day 4: 1 + 9 = 10 − 3 = 7
    """
    line = LineInput(
        product="P",
        location="L",
        on_hand=6,
        policy="min_max",
        min_qty=4,
        max_qty=10,
        lead_time_days=1,
    )
    result = simulate(line, (3.0,) * 5)
    assert result.on_hand == (3, 7, 4, 1, 7)
    assert result.order_quantities == (7, 0, 0, 9, 0)
    assert (result.orders, result.units_ordered) == (2, 16)
    assert result.fill_rate == 1.0 and result.stockout_days == 0
    assert result.average_on_hand == pytest.approx(22 / 5)
    assert result.turns == pytest.approx(15 / (22 / 5) * 365 / 5)


def test_lost_sales_and_stockouts():
    line = LineInput(
        product="P",
        location="L",
        on_hand=2,
        policy="min_max",
        min_qty=1,
        max_qty=4,
        lead_time_days=2,
    )
    result = simulate(line, (3.0, 3.0, 3.0))
    assert result.served == 2 + 0 + 3
    assert result.fill_rate == pytest.approx(5 / 9)
    assert result.stockout_days == 2


def test_compare_two_policies_on_the_same_demand():
    lean = LineInput(
        product="P",
        location="L",
        on_hand=10,
        policy="min_max",
        min_qty=2,
        max_qty=10,
        lead_time_days=2,
    )
    safe = LineInput(
        product="P",
        location="L",
        on_hand=10,
        policy="min_max",
        min_qty=10,
        max_qty=30,
        lead_time_days=2,
    )
    first, second = compare(lean, safe, (4.0, 5.0, 3.0, 6.0) * 10)
    assert first.fill_rate < second.fill_rate
    assert first.average_on_hand < second.average_on_hand
    assert first.days == second.days == 40


def test_warmup_days_feed_the_forecast_only():
    line = LineInput(
        product="P",
        location="L",
        on_hand=20,
        policy="days_of_supply",
        target_days=3,
        lead_time_days=1,
    )
    result = simulate(line, (5.0,) * 30, warmup_days=10)
    assert result.days == 20
    assert result.demanded == 100


def test_scorecard_matches_hand_computed_figures():
    # line A: 2 a day for 10 days, never out; line B: 1 a day on 7 days, out of stock 3
    # days at 1/day
    line_a = summarize(
        (2.0,) * 10, (20.0, 18.0, 16.0, 14.0, 12.0, 10.0, 8.0, 26.0, 24.0, 22.0), 2.0
    )
    line_b = summarize(
        (1.0,) * 7 + (0.0,) * 3,
        (3.0, 2.0, 1.0, 0.0, 0.0, 0.0, 10.0, 9.0, 8.0, 7.0),
        1.0,
    )
    card = scorecard([line_a, line_b], period_days=10, annualize=False)
    assert card["fill_rate"] == pytest.approx(
        27.0 / 30.0
    ), "27 served of 27 + 3 demanded"
    assert card["inventory_turns"] == pytest.approx(
        27.0 / (17.0 + 4.0)
    ), "average on hand 17 and 4"
    assert card["days_of_supply"] == pytest.approx((22.0 + 7.0) / 3.0)
    assert card["stockout_days"] == 3
    yearly = scorecard([line_a, line_b], period_days=10)
    assert yearly["inventory_turns"] == pytest.approx(27.0 / 21.0 * 36.5)


def test_scorecard_without_history_is_undefined_not_zero():
    assert scorecard([summarize((), (), 0.0)], period_days=30) == {
        "fill_rate": None,
        "inventory_turns": None,
        "days_of_supply": None,
        "stockout_days": None,
    }


def test_on_time_rate_against_the_order_cycle_time():
    assert on_time_rate([1.0, 3.0, 5.0, 6.5], target_days=5) == 0.75
    assert on_time_rate([], target_days=5) is None
