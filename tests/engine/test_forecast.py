import random
import warnings

import numpy as np
import pytest

from vmi_management.engine import (
    auto,
    croston,
    demand_statistics,
    forecast,
    holt,
    moving_average,
    sba,
    ses,
)
from vmi_management.engine.accuracy import bias, mae, mape, wape
from vmi_management.engine.forecast import (
    average_demand_interval,
    candidate_methods,
    has_weekly_pattern,
    holt_winters,
    tsb,
)

SMOOTH = (
    12.0,
    15,
    11,
    14,
    13,
    16,
    12,
    18,
    14,
    15,
    13,
    17,
    16,
    14,
    19,
    15,
    17,
    16,
    18,
    20,
)
INTERMITTENT = (
    0.0,
    0,
    3,
    0,
    0,
    0,
    5,
    0,
    0,
    2,
    0,
    0,
    0,
    0,
    4,
    0,
    1,
    0,
    0,
    6,
    0,
    0,
    0,
    3,
)
WEEKLY = (
    10.0,
    12,
    11,
    13,
    30,
    32,
    4,
)  # a week: quiet start, busy Friday and Saturday, Sunday closed


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def test_moving_average():
    assert moving_average(SMOOTH, window=4).rate == pytest.approx(
        (16 + 18 + 20 + 17) / 4
    )
    assert moving_average((2.0, 4.0)).rate == 3
    assert moving_average(()).rate == 0
    assert (
        moving_average((2.0, None, 4.0, None)).rate == 3
    ), "unknown days are skipped, not zeros"


def test_ses_matches_statsmodels():
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing

    model = _quiet(
        SimpleExpSmoothing(
            np.array(SMOOTH[1:]), initialization_method="known", initial_level=SMOOTH[0]
        ).fit,
        smoothing_level=0.3,
        optimized=False,
    )
    assert ses(SMOOTH, alpha=0.3).rate == pytest.approx(model.forecast(1)[0], rel=1e-9)


def _line_start(values):
    """The start the engine gives Holt's method: the least-squares line of the first 28
    days, at day −1."""
    slope, intercept = np.polyfit(np.arange(len(values[:28])), np.array(values[:28]), 1)
    return intercept - slope, slope


def test_holt_undamped_matches_statsmodels():
    from statsmodels.tsa.holtwinters import Holt

    level, trend = _line_start(SMOOTH)
    model = _quiet(
        Holt(
            np.array(SMOOTH),
            initialization_method="known",
            initial_level=level,
            initial_trend=trend,
        ).fit,
        smoothing_level=0.3,
        smoothing_trend=0.1,
        optimized=False,
    )
    result = holt(SMOOTH, alpha=0.3, beta=0.1, phi=1.0)
    assert result.rate == pytest.approx(model.forecast(1)[0], rel=1e-9)
    assert result.total(5) == pytest.approx(sum(model.forecast(5)), rel=1e-9)


def test_damped_holt_matches_statsmodels_over_the_horizon():
    from statsmodels.tsa.holtwinters import Holt

    level, trend = _line_start(SMOOTH)
    model = _quiet(
        Holt(
            np.array(SMOOTH),
            damped_trend=True,
            initialization_method="known",
            initial_level=level,
            initial_trend=trend,
        ).fit,
        smoothing_level=0.3,
        smoothing_trend=0.1,
        damping_trend=0.9,
        optimized=False,
    )
    result = holt(SMOOTH, alpha=0.3, beta=0.1, phi=0.9)
    expected = model.forecast(30)
    assert [result.at(day) for day in range(30)] == pytest.approx(
        list(expected), rel=1e-9
    )
    assert result.total(30) == pytest.approx(sum(expected), rel=1e-9)
    linear = sum(result.level + day * result.trend for day in range(1, 31))
    assert result.total(30) < linear, "the trend fades"


def test_holt_starts_from_a_line_not_from_two_noisy_days():
    rng = random.Random(4)
    flat = (50.0, 70.0) + tuple(
        60.0 + rng.uniform(-10, 10) for __ in range(58)
    )  # days 1–2 suggest +20 a day
    result = holt(flat, alpha=0.1, beta=0.05, phi=0.98)
    assert result.total(28) == pytest.approx(28 * 60, rel=0.1)


def test_holt_never_forecasts_negative_demand():
    falling = holt((20.0, 15, 10, 5, 0), alpha=0.9, beta=0.9, phi=1.0)
    assert falling.rate == 0
    assert falling.total(10) == 0


def _weekly_start(series, weeks):
    """The start the engine gives a weekly pattern: day-of-week factors and weekly means
    of the first weeks."""
    rows = np.array(series[: 7 * weeks]).reshape(weeks, 7)
    means = rows.mean(axis=1)
    factors = (rows / means[:, None]).mean(axis=0)
    return means, factors / factors.mean()


def test_holt_winters_matches_statsmodels():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    rng = random.Random(3)
    series = tuple(
        WEEKLY[day % 7] * (1 + day / 100) + rng.uniform(-2, 2) for day in range(56)
    )
    means, factors = _weekly_start(series, 7)  # every full week but the last
    model = _quiet(
        ExponentialSmoothing(
            np.array(series),
            seasonal="mul",
            seasonal_periods=7,
            initialization_method="known",
            initial_level=means.mean(),
            initial_seasonal=factors,
        ).fit,
        smoothing_level=0.2,
        smoothing_seasonal=0.1,
        optimized=False,
    )
    result = holt_winters(series, alpha=0.2, gamma=0.1)
    assert result.level == pytest.approx(model.level[-1], rel=1e-9)
    # the next week's factors are the last seven fitted (the history ends on slot 55 % 7
    # = 6)
    assert result.season == pytest.approx(list(model.season[-7:]), rel=1e-9)
    assert [result.at(day) for day in range(6)] == pytest.approx(
        list(model.forecast(6)), rel=1e-9
    )

    # with a damped trend: the weekly means' slope, the level on the line through their
    # middle at day −1
    trend = (means[-1] - means[0]) / (7 * 6)
    model = _quiet(
        ExponentialSmoothing(
            np.array(series),
            trend="add",
            damped_trend=True,
            seasonal="mul",
            seasonal_periods=7,
            initialization_method="known",
            initial_level=means.mean() - trend * (3 * 7 + 3 + 1),
            initial_trend=trend,
            initial_seasonal=factors,
        ).fit,
        smoothing_level=0.2,
        smoothing_trend=0.1,
        smoothing_seasonal=0.1,
        damping_trend=0.9,
        optimized=False,
    )
    result = holt_winters(series, alpha=0.2, gamma=0.1, beta=0.1, phi=0.9)
    assert (result.level, result.trend) == pytest.approx(
        (model.level[-1], model.trend[-1]), rel=1e-9
    )
    assert result.season == pytest.approx(list(model.season[-7:]), rel=1e-9)
    # statsmodels forecasts each seventh day with the last day's factor before its
    # update: compared without
    expected = model.forecast(28)
    assert [result.at(day) for day in range(28) if day % 7 != 6] == pytest.approx(
        [expected[day] for day in range(28) if day % 7 != 6], rel=1e-9
    )


def test_a_weekly_pattern_is_told_from_noise_and_trend():
    rng = random.Random(8)
    noise = tuple(20 + rng.gauss(0, 5) for __ in range(90))
    trend = tuple(10 + day / 3 + rng.gauss(0, 5) for day in range(90))
    weekly = tuple(WEEKLY[day % 7] * rng.uniform(0.7, 1.3) for day in range(90))
    assert not has_weekly_pattern(noise)
    assert not has_weekly_pattern(
        trend
    ), "a trend correlates every lag, the week's among them"
    assert has_weekly_pattern(weekly)
    assert not has_weekly_pattern(WEEKLY * 3), "three weeks are too few to tell"
    assert candidate_methods(trend) == ("moving_average", "ses", "holt")


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
    assert croston(INTERMITTENT).rate == pytest.approx(
        models.CrostonClassic().fit(series).predict(1)["mean"][0]
    )
    assert sba(INTERMITTENT).rate == pytest.approx(
        models.CrostonSBA().fit(series).predict(1)["mean"][0]
    )
    expected = models.TSB(alpha_d=0.1, alpha_p=0.1).fit(series).predict(1)["mean"][0]
    assert tsb(INTERMITTENT).rate == pytest.approx(expected, rel=1e-6)


def test_ses_fitted_alpha_matches_statsforecast_on_its_grid():
    models = pytest.importorskip("statsforecast.models")
    fitted = ses(SMOOTH)
    alpha = dict(fitted.params)["alpha"]
    expected = (
        models.SimpleExponentialSmoothing(alpha=alpha)
        .fit(np.array(SMOOTH))
        .predict(1)["mean"][0]
    )
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
    assert (
        chosen.total(10) > 10 * chosen.rate
    ), "the trend goes on over the horizon, damped"
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
    """On simulated intermittent series the mean automatic forecast is within 5 % of the
    true rate.

    By mean absolute error the choice would favour forecasts near zero (the
    median of intermittent demand); by squared error it does not.
    """
    rng = random.Random(11)
    probability, mean_size = 0.25, 4.0
    forecasts = []
    for __ in range(400):
        series = tuple(
            float(1 + int(rng.expovariate(1 / (mean_size - 1))))
            if rng.random() < probability
            else 0.0
            for __ in range(90)
        )
        forecasts.append(auto(series).rate)
    true_rate = probability * (1 + sum(1 for __ in range(0)) + (mean_size - 1))
    simulated = probability * (
        1
        + np.mean(
            [
                int(random.Random(seed).expovariate(1 / (mean_size - 1)))
                for seed in range(20000)
            ]
        )
    )
    assert np.mean(forecasts) == pytest.approx(simulated, rel=0.05), true_rate


def test_censored_days_do_not_lower_the_forecast():
    rng = random.Random(2)
    observed = tuple(10.0 + rng.uniform(-3, 3) for __ in range(50))
    history = (
        observed + (None,) * 10
    )  # ten days out of stock at the end: unknown, not zero
    for method in (
        "moving_average",
        "ses",
        "holt",
        "holt_winters",
        "croston",
        "sba",
        "tsb",
        "auto",
    ):
        # the state carries over the unknown days as it was forecast: day 10 ahead of
        # the observed days
        assert forecast(history, method).rate == pytest.approx(
            forecast(observed, method).at(10)
        ), method
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
