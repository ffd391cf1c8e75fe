import random
import warnings

import numpy as np
import pytest

from vmi_management.engine import auto, croston, demand_statistics, forecast, holt, moving_average, sba, ses
from vmi_management.engine.accuracy import bias, mae, mape, wape
from vmi_management.engine.forecast import (
    average_demand_interval, candidate_methods, holt_winters, tsb,
)

SMOOTH = (12.0, 15, 11, 14, 13, 16, 12, 18, 14, 15, 13, 17, 16, 14, 19, 15, 17, 16, 18, 20)
INTERMITTENT = (0.0, 0, 3, 0, 0, 0, 5, 0, 0, 2, 0, 0, 0, 0, 4, 0, 1, 0, 0, 6, 0, 0, 0, 3)
WEEKLY = (10.0, 12, 11, 13, 30, 32, 4)          # a week: quiet start, busy Friday and Saturday, Sunday closed


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def test_moving_average():
    assert moving_average(SMOOTH, window=4).rate == pytest.approx((16 + 18 + 20 + 17) / 4)
    assert moving_average((2.0, 4.0)).rate == 3
    assert moving_average(()).rate == 0
    assert moving_average((2.0, None, 4.0, None)).rate == 3, "unknown days are skipped, not zeros"


def test_ses_matches_statsmodels():
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing
    model = _quiet(SimpleExpSmoothing(np.array(SMOOTH[1:]), initialization_method="known",
                                      initial_level=SMOOTH[0]).fit, smoothing_level=0.3, optimized=False)
    assert ses(SMOOTH, alpha=0.3).rate == pytest.approx(model.forecast(1)[0], rel=1e-9)


def test_holt_undamped_matches_statsmodels():
    from statsmodels.tsa.holtwinters import Holt
    model = _quiet(Holt(np.array(SMOOTH[1:]), initialization_method="known", initial_level=SMOOTH[0],
                        initial_trend=SMOOTH[1] - SMOOTH[0]).fit,
                   smoothing_level=0.3, smoothing_trend=0.1, optimized=False)
    result = holt(SMOOTH, alpha=0.3, beta=0.1, phi=1.0)
    assert result.rate == pytest.approx(model.forecast(1)[0], rel=1e-9)
    assert result.total(5) == pytest.approx(sum(model.forecast(5)), rel=1e-9)


def test_damped_holt_matches_statsmodels_over_the_horizon():
    from statsmodels.tsa.holtwinters import Holt
    # after the first two days the state is level = day 2, trend = day 2 − day 1
    model = _quiet(Holt(np.array(SMOOTH[2:]), damped_trend=True, initialization_method="known",
                        initial_level=SMOOTH[1], initial_trend=SMOOTH[1] - SMOOTH[0]).fit,
                   smoothing_level=0.3, smoothing_trend=0.1, damping_trend=0.9, optimized=False)
    result = holt(SMOOTH, alpha=0.3, beta=0.1, phi=0.9)
    expected = model.forecast(30)
    assert [result.at(day) for day in range(30)] == pytest.approx(list(expected), rel=1e-9)
    assert result.total(30) == pytest.approx(sum(expected), rel=1e-9)
    linear = sum(result.level + day * result.trend for day in range(1, 31))
    assert result.total(30) < linear, "the trend fades"


def test_holt_never_forecasts_negative_demand():
    falling = holt((20.0, 15, 10, 5, 0), alpha=0.9, beta=0.9, phi=1.0)
    assert falling.rate == 0
    assert falling.total(10) == 0


def test_holt_winters_matches_statsmodels():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    rng = random.Random(3)
    series = tuple(WEEKLY[day % 7] + rng.uniform(-2, 2) for day in range(56))
    level = sum(series[:7]) / 7
    season = [value - level for value in series[:7]]
    model = _quiet(ExponentialSmoothing(np.array(series[7:]), seasonal="add", seasonal_periods=7,
                                        initialization_method="known", initial_level=level,
                                        initial_seasonal=season).fit,
                   smoothing_level=0.2, smoothing_seasonal=0.1, optimized=False)
    result = holt_winters(series, alpha=0.2, gamma=0.1)
    assert result.level == pytest.approx(model.level[-1], rel=1e-9)
    # the next week's offsets are the last seven fitted (the history ends on slot 55 % 7 = 6)
    assert result.season == pytest.approx(list(model.season[-7:]), rel=1e-9)
    assert [result.at(day) for day in range(6)] == pytest.approx(list(model.forecast(6)), rel=1e-9)


def test_croston_and_sba_by_hand():
    # non-zero demands 3 (day 3), 5 (after 4 days), 2 (after 3 days), α = 0.5
    demand = (0.0, 0, 3, 0, 0, 0, 5, 0, 0, 2)
    size = 3 + 0.5 * (5 - 3)
    size += 0.5 * (2 - size)
    interval = 3 + 0.5 * (4 - 3)
    interval += 0.5 * (3 - interval)
    assert croston(demand, alpha=0.5).rate == pytest.approx(size / interval)
    assert sba(demand, alpha=0.5).rate == pytest.approx(size / interval * 0.75)
    assert croston((0.0, 0.0)).rate == 0


def test_intermittent_methods_match_statsforecast():
    models = pytest.importorskip("statsforecast.models")
    series = np.array(INTERMITTENT)
    assert croston(INTERMITTENT).rate == pytest.approx(models.CrostonClassic().fit(series).predict(1)["mean"][0])
    assert sba(INTERMITTENT).rate == pytest.approx(models.CrostonSBA().fit(series).predict(1)["mean"][0])
    expected = models.TSB(alpha_d=0.1, alpha_p=0.1).fit(series).predict(1)["mean"][0]
    assert tsb(INTERMITTENT).rate == pytest.approx(expected, rel=1e-6)


def test_ses_fitted_alpha_matches_statsforecast_on_its_grid():
    models = pytest.importorskip("statsforecast.models")
    fitted = ses(SMOOTH)
    alpha = dict(fitted.params)["alpha"]
    expected = models.SimpleExponentialSmoothing(alpha=alpha).fit(np.array(SMOOTH)).predict(1)["mean"][0]
    assert fitted.rate == pytest.approx(expected, rel=1e-6)


def test_candidates_follow_the_demand_pattern():
    assert average_demand_interval(INTERMITTENT) == pytest.approx(24 / 7)
    assert candidate_methods(INTERMITTENT) == ("moving_average", "sba", "tsb")
    assert candidate_methods(SMOOTH) == ("moving_average", "ses", "holt")
    assert "holt_winters" in candidate_methods(WEEKLY * 4)


def test_auto_follows_a_trend_over_the_horizon():
    trending = tuple(float(day) for day in range(60))
    chosen = auto(trending)
    assert chosen.method == "holt"
    assert chosen.rate == pytest.approx(60, rel=0.05)
    assert chosen.total(10) > 10 * chosen.rate, "the trend goes on over the horizon, damped"
    assert chosen.holdout_error is not None
    assert auto(SMOOTH).method == "moving_average", "too short to hold out: the default"


def test_auto_finds_a_weekly_pattern():
    rng = random.Random(5)
    series = tuple(WEEKLY[day % 7] * rng.uniform(0.9, 1.1) for day in range(84))
    chosen = auto(series)
    assert chosen.method == "holt_winters"
    week = [chosen.at(day) for day in range(7)]
    # the history ends on a Sunday (day 83): day 0 ahead is a Monday-like day
    assert week == pytest.approx([WEEKLY[(84 + day) % 7] for day in range(7)], rel=0.15)
    assert chosen.total(7) == pytest.approx(sum(WEEKLY), rel=0.05)


def test_auto_is_unbiased_on_intermittent_demand():
    """On simulated intermittent series the mean automatic forecast is within 5 % of the true rate.

    By mean absolute error the choice would favour forecasts near zero (the
    median of intermittent demand); by squared error it does not.
    """
    rng = random.Random(11)
    probability, mean_size = 0.25, 4.0
    forecasts = []
    for __ in range(400):
        series = tuple(float(1 + int(rng.expovariate(1 / (mean_size - 1)))) if rng.random() < probability else 0.0
                       for __ in range(90))
        forecasts.append(auto(series).rate)
    true_rate = probability * (1 + sum(1 for __ in range(0)) + (mean_size - 1))
    simulated = probability * (1 + np.mean([int(random.Random(seed).expovariate(1 / (mean_size - 1)))
                                            for seed in range(20000)]))
    assert np.mean(forecasts) == pytest.approx(simulated, rel=0.05), true_rate


def test_censored_days_do_not_lower_the_forecast():
    rng = random.Random(2)
    observed = tuple(10.0 + rng.uniform(-3, 3) for __ in range(50))
    history = observed + (None,) * 10     # ten days out of stock at the end: unknown, not zero
    for method in ("moving_average", "ses", "holt", "holt_winters", "croston", "sba", "tsb", "auto"):
        # the state carries over the unknown days as it was forecast: day 10 ahead of the observed days
        assert forecast(history, method).rate == pytest.approx(forecast(observed, method).at(10)), method
        assert forecast(history, method).rate > 8, method
    zeros = (10.0,) * 50 + (0.0,) * 10
    assert forecast(zeros, "moving_average").rate < 10


def test_forecast_dispatch_and_statistics():
    assert forecast(SMOOTH).method == "moving_average"
    assert forecast(SMOOTH, "ses").method == "ses"
    rate, std, label = demand_statistics((2.0, 4.0, 6.0))
    assert (rate, std, label) == (4.0, 2.0, "moving average (window 28)")
    assert demand_statistics(()) == (0.0, 0.0, "no history")
    assert demand_statistics((None, None)) == (0.0, 0.0, "no history")


def test_accuracy_measures():
    actual, predicted = (10.0, 0.0, 5.0, 5.0), (8.0, 1.0, 5.0, 7.0)
    assert mae(actual, predicted) == pytest.approx(5 / 4)
    assert mape(actual, predicted) == pytest.approx((0.2 + 0 + 0.4) / 3)
    assert wape(actual, predicted) == pytest.approx(5 / 20)
    assert bias(actual, predicted) == pytest.approx((-2 + 1 + 0 + 2) / 4)
    assert mape((0.0, 0.0), (1.0, 2.0)) is None
    assert wape((0.0,), (1.0,)) is None
    assert mae((), ()) is None
