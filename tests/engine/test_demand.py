"""The demand a line plans for: censored days, events, the customer's forecast and the
horizon sums."""

import math
import random

import pytest

from vmi_management.engine import LineInput, plan_line
from vmi_management.engine.accuracy import mase, naive_mae, relative_bias
from vmi_management.engine.demand import (
    Event,
    baseline_history,
    demand_outlook,
    yearly_season,
)
from vmi_management.engine.suggest import suggest_thresholds


def _line(**values):
    defaults = dict(
        product="P",
        location="L",
        on_hand=0.0,
        policy="days_of_supply",
        target_days=10.0,
        lead_time_days=5.0,
        demand=(10.0,) * 60,
    )
    return LineInput(**(defaults | values))


def test_baseline_history_hides_censored_and_past_event_days():
    demand = (1.0, 2.0, 3.0, 4.0, 5.0)
    assert baseline_history(demand, censored=(0, 3)) == (None, 2.0, 3.0, None, 5.0)
    # an event that ended yesterday (day −1) and began three days ago
    assert baseline_history(demand, events=(Event("promo", -3, -1, factor=2.0),)) == (
        1.0,
        2.0,
        None,
        None,
        None,
    )
    assert (
        baseline_history(demand, events=(Event("next week", 3, 9, factor=2.0),))
        == demand
    )


def test_an_event_adds_its_uplift_once():
    flat = _line()
    promo = Event("spring promotion", 2, 4, quantity=90.0)
    outlook, __, __, __ = demand_outlook(_line(events=(promo,)))
    assert outlook.total(5) == pytest.approx(
        50 + 90
    ), "90 over its three days, on top of 10 a day"
    assert outlook.total(15) == pytest.approx(
        150 + 90
    ), "counted once, however long the horizon"
    base = plan_line(flat)
    decision = plan_line(_line(events=(promo,)))
    assert decision.lead_time_demand == pytest.approx(base.lead_time_demand + 90)
    assert decision.target_level == pytest.approx(base.target_level + 90)
    assert "spring promotion +90" in decision.reason or any(
        "spring promotion +90" in step.note for step in decision.steps
    )


def test_a_factor_event_and_its_past_days_leave_the_baseline_alone():
    # a promotion doubled demand over the last five days: the baseline still sees 10 a
    # day
    history = (10.0,) * 55 + (20.0,) * 5
    past = Event("promotion", -5, -1, factor=2.0)
    outlook, std, days, hidden = demand_outlook(_line(demand=history, events=(past,)))
    assert outlook.at(0) == pytest.approx(10)
    assert (std, days, hidden) == (0.0, 55, 5)
    shutdown = Event("shutdown", 0, 1, factor=0.0)
    outlook, __, __, __ = demand_outlook(_line(events=(shutdown,)))
    assert outlook.total(5) == pytest.approx(30)


def test_stockout_days_do_not_lower_the_rate_or_the_suggestion():
    history = (10.0,) * 50 + (0.0,) * 10
    censored = tuple(range(50, 60))
    naive = plan_line(_line(demand=history, forecast_method="moving_average"))
    corrected = plan_line(
        _line(demand=history, censored=censored, forecast_method="moving_average")
    )
    assert naive.demand_rate < 10
    assert corrected.demand_rate == pytest.approx(10)
    assert "10 days left out" in corrected.steps[1].note
    line = _line(
        demand=history, censored=censored, policy="min_max", service_level=0.95
    )
    assert suggest_thresholds(line).demand_rate == pytest.approx(10)
    assert suggest_thresholds(_line(demand=history, policy="min_max")).demand_rate < 10


def test_customer_forecast_and_blend():
    shared = (20.0,) * 7 + (None,) * 3  # the customer speaks for the next week only
    outlook, __, __, __ = demand_outlook(
        _line(forecast_method="customer", customer_forecast=shared)
    )
    assert outlook.total(10) == pytest.approx(7 * 20 + 3 * 10)
    assert "customer forecast (7 days shared)" in outlook.label
    blend, __, __, __ = demand_outlook(
        _line(forecast_method="blend", customer_forecast=shared, blend_weight=0.25)
    )
    assert blend.total(7) == pytest.approx(7 * (0.25 * 20 + 0.75 * 10))
    statistical, __, __, __ = demand_outlook(
        _line(forecast_method="auto", customer_forecast=shared)
    )
    assert statistical.total(7) == pytest.approx(
        70
    ), "other methods ignore the customer's figures"
    decision = plan_line(_line(forecast_method="customer", customer_forecast=shared))
    assert decision.lead_time_demand == pytest.approx(100)


def test_a_trend_is_summed_over_the_horizon_not_multiplied():
    growing = tuple(float(day) for day in range(60))
    decision = plan_line(
        _line(
            demand=growing,
            forecast_method="holt",
            lead_time_days=10.0,
            target_days=20.0,
        )
    )
    assert decision.lead_time_demand > 10 * decision.demand_rate
    assert "sum of the daily forecast over 10 days" in decision.steps[3].note


def test_accuracy_measures_by_hand():
    history = (4.0, 6.0, 5.0, 7.0)  # naive error: |2| + |−1| + |2| over 3 = 5/3
    assert naive_mae(history) == pytest.approx(5 / 3)
    assert mase((5.0, 5.0), (6.0, 3.0), history) == pytest.approx(1.5 / (5 / 3))
    assert relative_bias((5.0, 5.0), (6.0, 3.0)) == pytest.approx(-0.1)
    assert mase((1.0,), (1.0,), (3.0, 3.0)) is None
    assert relative_bias((0.0,), (1.0,)) is None


def _season(day, amplitude=0.5):
    return 20 * (1 + amplitude * math.sin(2 * math.pi * day / 364))


def _seasonal(days, seed=3, amplitude=0.5):
    """Daily demand around 20 with a yearly season (a 364-day sine) and noise; the last
    day is day ``days − 1``."""
    rng = random.Random(seed)
    return tuple(
        max(0.0, _season(day, amplitude) + rng.gauss(0, 2)) for day in range(days)
    )


def test_a_yearly_season_carries_the_forecast_through_the_year():
    history = _seasonal(
        2 * 364 + 91
    )  # ends a quarter into the year: demand at its peak, about to fall
    truth = sum(_season(day) for day in range(len(history), len(history) + 60))
    with_season, __, __, __ = demand_outlook(
        _line(demand=history, forecast_method="auto")
    )
    assert with_season.yearly, "two years that rise and fall together: a season"
    assert with_season.total(60) == pytest.approx(truth, rel=0.1)
    flat = plan_line(_line(demand=history, forecast_method="moving_average"))
    assert abs(flat.demand_rate * 60 - truth) > abs(with_season.total(60) - truth)
    assert "yearly season" in with_season.label
    # noise alone over two years is no season for the automatic choice; one year is too
    # little to tell
    assert yearly_season(_seasonal(2 * 364 + 91, amplitude=0.0), "auto") == ()
    assert yearly_season(history[-400:], "auto") == ()
    assert yearly_season(
        history[-400:], "holt_winters"
    ), "asked for, one year and four weeks suffice"
    assert yearly_season(history[-300:], "holt_winters") == ()
