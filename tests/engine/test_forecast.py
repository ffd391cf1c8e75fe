import warnings

import numpy as np
import pytest

from vmi_management.engine import auto, croston, demand_statistics, forecast, holt, moving_average, sba, ses
from vmi_management.engine.accuracy import bias, mae, mape, wape
from vmi_management.engine.forecast import average_demand_interval, candidate_methods

SMOOTH = (12.0, 15, 11, 14, 13, 16, 12, 18, 14, 15, 13, 17, 16, 14, 19, 15, 17, 16, 18, 20)
INTERMITTENT = (0.0, 0, 3, 0, 0, 0, 5, 0, 0, 2, 0, 0, 0, 0, 4, 0, 1, 0, 0, 6, 0, 0, 0, 3)


def test_moving_average():
    assert moving_average(SMOOTH, window=4).rate == pytest.approx((16 + 18 + 20 + 17) / 4)
    assert moving_average((2.0, 4.0)).rate == 3
    assert moving_average(()).rate == 0


def test_ses_matches_statsmodels():
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SimpleExpSmoothing(np.array(SMOOTH[1:]), initialization_method="known",
                                   initial_level=SMOOTH[0]).fit(smoothing_level=0.3, optimized=False)
    assert ses(SMOOTH, alpha=0.3).rate == pytest.approx(model.forecast(1)[0], rel=1e-9)


def test_holt_matches_statsmodels():
    from statsmodels.tsa.holtwinters import Holt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Holt(np.array(SMOOTH[1:]), initialization_method="known", initial_level=SMOOTH[0],
                     initial_trend=SMOOTH[1] - SMOOTH[0]).fit(smoothing_level=0.3, smoothing_trend=0.1,
                                                              optimized=False)
    assert holt(SMOOTH, alpha=0.3, beta=0.1).rate == pytest.approx(model.forecast(1)[0], rel=1e-9)


def test_holt_never_forecasts_negative_demand():
    assert holt((20.0, 15, 10, 5, 0), alpha=0.9, beta=0.9).rate == 0


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


def test_croston_and_sba_match_statsforecast():
    models = pytest.importorskip("statsforecast.models")
    series = np.array(INTERMITTENT)
    classic = models.CrostonClassic().fit(series).predict(1)["mean"][0]
    optimized = models.CrostonSBA().fit(series).predict(1)["mean"][0]
    assert croston(INTERMITTENT).rate == pytest.approx(classic, rel=1e-6)
    assert sba(INTERMITTENT).rate == pytest.approx(optimized, rel=1e-6)


def test_auto_picks_by_holdout_error_among_suited_methods():
    assert average_demand_interval(INTERMITTENT) == pytest.approx(24 / 7)
    assert candidate_methods(INTERMITTENT) == ("moving_average", "croston", "sba")
    assert candidate_methods(SMOOTH) == ("moving_average", "ses", "holt")
    trending = tuple(float(day) for day in range(40))
    chosen = auto(trending)
    assert chosen.method == "holt"
    assert chosen.rate == pytest.approx(40, rel=0.05)
    assert chosen.holdout_error is not None
    assert auto(SMOOTH).method == "moving_average", "too short to hold out: the default"


def test_forecast_dispatch_and_statistics():
    assert forecast(SMOOTH).method == "moving_average"
    assert forecast(SMOOTH, "ses").method == "ses"
    rate, std, label = demand_statistics((2.0, 4.0, 6.0))
    assert (rate, std, label) == (4.0, 2.0, "moving average (window 28)")
    assert demand_statistics(()) == (0.0, 0.0, "no history")


def test_accuracy_measures():
    actual, predicted = (10.0, 0.0, 5.0, 5.0), (8.0, 1.0, 5.0, 7.0)
    assert mae(actual, predicted) == pytest.approx(5 / 4)
    assert mape(actual, predicted) == pytest.approx((0.2 + 0 + 0.4) / 3)
    assert wape(actual, predicted) == pytest.approx(5 / 20)
    assert bias(actual, predicted) == pytest.approx((-2 + 1 + 0 + 2) / 4)
    assert mape((0.0, 0.0), (1.0, 2.0)) is None
    assert wape((0.0,), (1.0,)) is None
    assert mae((), ()) is None
