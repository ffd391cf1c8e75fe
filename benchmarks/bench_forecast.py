#!/usr/bin/env python3
"""Compare the engine's automatic forecast with statsforecast's on series of known
patterns.

    python3 benchmarks/bench_forecast.py [--series 300] [--quick] [--seed 2024]

Runs without Odoo; needs numpy and statsforecast 2.x (and the scipy it
brings): test requirements, not engine dependencies. Takes about four
minutes on one core; ``--quick`` (40 series) about half a minute. For each
demand pattern, ``--series`` series (fixed seeds) are generated with 90 and
with 180 days of history, each followed by 28 days held back as the
actuals:

- smooth: a level (5 to 100 a day) with multiplicative noise;
- trend: the same with a linear trend (−50 % to +100 % over the series);
- weekly: the level times a day-of-week profile (busy end of week, quiet
  Sunday, each series its own) with noise;
- weekly_trend: both;
- intermittent: a demand on a day with probability 1/ADI, its size a
  rounded gamma draw of squared coefficient of variation CV² (ADI, CV²:
  2, 0.2; 4, 0.3; 8, 0.2: below the Syntetos–Boylan 0.49);
- lumpy: the same with CV² 1, 1.5 and 2.5 (ADI 2, 4 and 6).

Demand is rounded to whole units and never negative. There is no real
data set: the usual demand data (M5 through ``datasetsforecast``, for
instance) are downloaded at run time, which this project cannot do, and
the packages checked ship none inside their wheels.

Each series is forecast 28 days ahead by ``vmi_management.engine.forecast
.auto`` (plain Python) and by statsforecast's AutoETS (season length 7),
CrostonOptimized and SeasonalNaive (season length 7), one series at a
time, fit + predict; each statsforecast model is called once on a warm-up
series first, so numba's JIT compile time is not in its figures. The
first 14 and all 28 days are scored:

- MASE: MAE over the horizon ÷ the in-sample naive one-step MAE of the
  history, averaged over the series;
- WAPE: Σ|forecast − actual| ÷ Σ actual, pooled over the series;
- bias: (Σ forecast − Σ actual) ÷ Σ actual, pooled over the series, and
  its standard error (on intermittent demand a few hundred series leave a
  few per cent of chance either way); "bias vs E" is the same against
  the expected demand of the generating process, which has no such noise
  from the actuals;
- ms/series: wall time of one fit + 28-day forecast, one core.

Then the goals: the engine's MASE within 5 % of AutoETS's on the smooth
patterns (smooth, trend, weekly, weekly_trend), at least 20 % below
SeasonalNaive's on every pattern, its |bias| within 5 % on every pattern,
and at least 10× AutoETS's speed, each marked ok or FAIL. It prints
figures and asserts nothing.
"""

import argparse
import math
import platform
import random
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.special import gammainc, ndtr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vmi_management.engine.forecast import auto  # noqa: E402

PATTERNS = ("smooth", "trend", "weekly", "weekly_trend", "intermittent", "lumpy")
SMOOTH_PATTERNS = ("smooth", "trend", "weekly", "weekly_trend")
HISTORIES = (90, 180)
HORIZONS = (14, 28)
WEEK = 7
# (average demand interval, CV² of the demand sizes)
INTERMITTENT_MIX = ((2.0, 0.2), (4.0, 0.3), (8.0, 0.2))
LUMPY_MIX = ((2.0, 1.0), (4.0, 1.5), (6.0, 2.5))
# a busy end of the week and a quiet Sunday: the shape every weekly series varies around
WEEK_PROFILE = (0.9, 0.95, 1.0, 1.1, 1.35, 1.25, 0.45)
METHODS = ("engine auto", "AutoETS", "CrostonOptimized", "SeasonalNaive")


# ----------------------------------------------------------------------
# Series
# ----------------------------------------------------------------------


def _profile(rng):
    shape = [factor * rng.uniform(0.85, 1.15) for factor in WEEK_PROFILE]
    shift = rng.randrange(WEEK)  # the series starts on any day of the week
    shape = shape[shift:] + shape[:shift]
    mean = sum(shape) / WEEK
    return [factor / mean for factor in shape]


def _expected_units(cdf, mean, spread, lowest):
    """E[max(lowest, round(X))] for X of distribution function ``cdf``, from the
    rounding boundaries."""
    edges = np.arange(lowest + 0.5, mean + 30 * spread + 2)
    probabilities = np.diff(cdf(edges))
    return lowest * cdf(edges[:1])[0] + float(
        np.dot(np.arange(lowest + 1, lowest + 1 + len(probabilities)), probabilities)
    )


def _continuous(pattern, length, horizon, rng):
    """Demand of ``length`` days and the expected demand of its last ``horizon`` days.

    A level, maybe a trend and a weekly profile, times 1 + normal noise,
    rounded to whole units, never below zero.
    """
    level = math.exp(rng.uniform(math.log(5), math.log(100)))
    noise = rng.uniform(0.1, 0.35)
    growth = rng.uniform(-0.5, 1.0) if pattern.endswith("trend") else 0.0
    profile = _profile(rng) if pattern.startswith("weekly") else [1.0] * WEEK
    means = [
        level * (1 + growth * day / length) * profile[day % WEEK]
        for day in range(length)
    ]
    series = [
        float(max(0, round(mean * (1 + noise * rng.gauss(0, 1))))) for mean in means
    ]
    expected = [
        _expected_units(
            lambda x, m=mean: ndtr((x - m) / (noise * m)), mean, noise * mean, 0
        )
        for mean in means[-horizon:]
    ]
    return series, expected


def _intermittent(mix, length, horizon, rng):
    """Demand on a day with probability 1 / ADI, of a gamma size with the CV² given, at
    least one unit."""
    interval, cv2 = mix
    size = rng.uniform(2, 20)
    shape, scale = 1 / cv2, size * cv2
    series = [
        float(max(1, round(rng.gammavariate(shape, scale))))
        if rng.random() < 1 / interval
        else 0.0
        for __ in range(length)
    ]
    expected_size = _expected_units(
        lambda x: gammainc(shape, x / scale), size, size * math.sqrt(cv2), 1
    )
    return series, [expected_size / interval] * horizon


def generate(pattern, count, history, seed):
    """``count`` pairs (demand of ``history`` + the horizon's days, expected demand over
    the horizon)."""
    rng = random.Random(seed * 1009 + PATTERNS.index(pattern) * 101 + history)
    horizon = max(HORIZONS)
    length = history + horizon
    if pattern in ("intermittent", "lumpy"):
        mix = INTERMITTENT_MIX if pattern == "intermittent" else LUMPY_MIX
        return [
            _intermittent(mix[index % len(mix)], length, horizon, rng)
            for index in range(count)
        ]
    return [_continuous(pattern, length, horizon, rng) for __ in range(count)]


# ---------------------------------------------------------------------- Forecasters:
# each takes a history and returns (28 daily forecasts, seconds of fit + predict)
# ----------------------------------------------------------------------


def engine_forecaster(horizon):
    def run(history):
        values = tuple(
            float(value) for value in history
        )  # plain floats: numpy scalars are slow
        started = time.perf_counter()
        chosen = auto(values)
        forecasts = [chosen.at(day) for day in range(horizon)]
        return np.array(forecasts), time.perf_counter() - started

    return run


def statsforecast_forecaster(factory, horizon):
    def run(history):
        values = np.asarray(history, dtype=np.float64)
        started = time.perf_counter()
        forecasts = factory().fit(values).predict(horizon)["mean"]
        return np.asarray(forecasts, dtype=np.float64), time.perf_counter() - started

    return run


def forecasters(horizon):
    from statsforecast.models import AutoETS, CrostonOptimized, SeasonalNaive

    return {
        "engine auto": engine_forecaster(horizon),
        "AutoETS": statsforecast_forecaster(
            lambda: AutoETS(season_length=WEEK), horizon
        ),
        "CrostonOptimized": statsforecast_forecaster(CrostonOptimized, horizon),
        "SeasonalNaive": statsforecast_forecaster(
            lambda: SeasonalNaive(season_length=WEEK), horizon
        ),
    }


# ----------------------------------------------------------------------
# Scores
# ----------------------------------------------------------------------


class Score:
    """One method on one group of series: per-series MASE and horizon totals, and the
    time taken."""

    def __init__(self):
        self.mase, self.rmsse, self.totals = (
            [],
            [],
            [],
        )  # totals: (Σ|error|, Σ actual, Σ expected, Σ forecast)
        self.seconds, self.fits = 0.0, 0

    def add(self, history, actual, expected, forecast):
        changes = np.diff(history)
        scale, squared_scale = np.mean(np.abs(changes)), np.mean(changes**2)
        error = np.abs(forecast - actual)
        if scale > 0:
            self.mase.append(float(np.mean(error) / scale))
            self.rmsse.append(float(np.sqrt(np.mean(error**2) / squared_scale)))
        self.totals.append((error.sum(), actual.sum(), expected.sum(), forecast.sum()))

    @property
    def mean_mase(self):
        return float(np.mean(self.mase)) if self.mase else math.nan

    @property
    def mean_rmsse(self):
        """RMSSE, M5's measure: squared errors, so the mean forecast (not the median)
        scores best."""
        return float(np.mean(self.rmsse)) if self.rmsse else math.nan

    def _sums(self):
        return np.sum(self.totals, axis=0) if self.totals else np.full(4, math.nan)

    @property
    def wape(self):
        error, actual, __, __ = self._sums()
        return error / actual

    @property
    def bias(self):
        __, actual, __, forecast = self._sums()
        return (forecast - actual) / actual

    @property
    def bias_error(self):
        """Standard error of ``bias`` over the series (a ratio of sums, the series
        independent)."""
        totals = np.array(self.totals)
        actual, forecast = totals[:, 1], totals[:, 3]
        ratio = forecast.sum() / actual.sum()
        return float(np.sqrt(np.sum((forecast - ratio * actual) ** 2)) / actual.sum())

    @property
    def expected_bias(self):
        __, __, expected, forecast = self._sums()
        return (forecast - expected) / expected

    @property
    def ms_per_series(self):
        return 1000 * self.seconds / self.fits if self.fits else math.nan


def evaluate(count, seed):
    """{(pattern, history, horizon, method): Score}; a series' time is counted in its
    first horizon's score."""
    horizon = max(HORIZONS)
    models = forecasters(horizon)
    warm_up = generate("weekly", 1, HISTORIES[0], seed + 1)[0][0][: HISTORIES[0]]
    for run in models.values():
        run(warm_up)  # numba compiles here, outside the timings
    scores = {}
    for pattern in PATTERNS:
        for history_days in HISTORIES:
            for series, expected in generate(pattern, count, history_days, seed):
                history = np.array(series[:history_days])
                future = np.array(series[history_days:])
                expected = np.array(expected)
                for name, run in models.items():
                    forecast, seconds = run(history)
                    for index, days in enumerate(HORIZONS):
                        score = scores.setdefault(
                            (pattern, history_days, days, name), Score()
                        )
                        score.add(
                            history, future[:days], expected[:days], forecast[:days]
                        )
                        if index == 0:
                            score.seconds += seconds
                            score.fits += 1
    return scores


def combined(scores, pattern, method):
    """One score over both histories and horizons; a series' horizons add up to one
    total, so it counts once."""
    total = Score()
    for history in HISTORIES:
        parts = [scores[(pattern, history, days, method)] for days in HORIZONS]
        for part in parts:
            total.mase += part.mase
            total.rmsse += part.rmsse
            total.seconds += part.seconds
            total.fits += part.fits
        total.totals += [
            tuple(map(sum, zip(*rows, strict=False)))
            for rows in zip(*(part.totals for part in parts), strict=False)
        ]
    return total


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------


def print_tables(scores, count):
    print(
        f"{count} series per pattern and history length "
        f"({', '.join(map(str, HISTORIES))} days), "
        f"scored over the next {' and '.join(map(str, HORIZONS))} days; "
        f"MASE, RMSSE and WAPE over both horizons and histories"
    )
    print(
        "bias: against the actual demand; bias vs E: against the expected demand of "
        "the generating process"
    )
    print(
        f"{'pattern':<14}{'method':<18}{'MASE':>7}{'RMSSE':>7}{'WAPE':>8}"
        f"{'bias':>9}{'bias vs E':>11}{'ms/series':>11}"
    )
    for pattern in PATTERNS:
        for method in METHODS:
            score = combined(scores, pattern, method)
            print(
                f"{pattern:<14}{method:<18}{score.mean_mase:>7.3f}{score.mean_rmsse:>7.3f}{score.wape:>8.1%}"
                f"{score.bias:>+9.1%}"
                f"{score.expected_bias:>+11.1%}"
                f"{score.ms_per_series:>11.2f}"
            )
        print()
    print("MASE by history and horizon")
    print(
        f"{'pattern':<14}{'history':>8}{'horizon':>8}"
        + "".join(f"{method:>18}" for method in METHODS)
    )
    for pattern in PATTERNS:
        for history in HISTORIES:
            for days in HORIZONS:
                cells = "".join(
                    f"{scores[(pattern, history, days, method)].mean_mase:>18.3f}"
                    for method in METHODS
                )
                print(f"{pattern:<14}{history:>8}{days:>8}{cells}")
    print()


def _mark(holds):
    return f"  [{'ok' if holds else 'FAIL':>4}]"


def print_goals(scores):
    engine, ets, naive = "engine auto", "AutoETS", "SeasonalNaive"
    score = {
        (pattern, method): combined(scores, pattern, method)
        for pattern in PATTERNS
        for method in METHODS
    }
    print("Goals (the engine's figures over both histories and horizons)")
    for pattern in SMOOTH_PATTERNS:
        mine, theirs = (
            score[(pattern, engine)].mean_mase,
            score[(pattern, ets)].mean_mase,
        )
        print(
            f"{_mark(mine / theirs <= 1.05)} {pattern}: MASE {mine:.3f} vs AutoETS "
            f"{theirs:.3f} "
            f"({mine / theirs - 1:+.1%}; goal within +5 %)"
        )
    for pattern in PATTERNS:
        mine, theirs = (
            score[(pattern, engine)].mean_mase,
            score[(pattern, naive)].mean_mase,
        )
        best = min(
            (score[(pattern, method)].mean_mase / theirs - 1, method)
            for method in (ets, "CrostonOptimized")
        )
        print(
            f"{_mark(mine / theirs <= 0.8)} {pattern}: MASE {mine:.3f} vs "
            f"SeasonalNaive {theirs:.3f} "
            f"({mine / theirs - 1:+.1%}; goal −20 % or better; {best[1]} "
            f"{best[0]:+.1%})"
        )
    for pattern in PATTERNS:
        mine = score[(pattern, engine)]
        print(
            f"{_mark(abs(mine.bias) <= 0.05)} {pattern}: bias {mine.bias:+.1%} ± "
            f"{mine.bias_error:.1%} "
            f"(standard error over the series; against the expected demand "
            f"{mine.expected_bias:+.1%}; "
            f"goal within ±5 %)"
        )
    mine, theirs = (
        sum(score[(pattern, method)].seconds for pattern in PATTERNS)
        / sum(score[(pattern, method)].fits for pattern in PATTERNS)
        for method in (engine, ets)
    )
    print(
        f"{_mark(theirs / mine >= 10)} speed: {1000 * mine:.2f} ms/series vs AutoETS "
        f"{1000 * theirs:.2f} ms/series "
        f"({theirs / mine:.0f}×; goal 10× or more)"
    )
    print(
        "On intermittent and lumpy demand MASE rewards forecasting the median, which "
        "is zero on most days: an "
        "unbiased forecast (the mean) gains little on seasonal naive by it, whichever "
        "method makes it. By RMSSE "
        "(M5's measure, which the mean minimises):"
    )
    for pattern in PATTERNS:
        if pattern in SMOOTH_PATTERNS:
            continue
        mine, theirs = (
            score[(pattern, engine)].mean_rmsse,
            score[(pattern, naive)].mean_rmsse,
        )
        print(
            f"     {pattern}: RMSSE {mine:.3f} vs SeasonalNaive {theirs:.3f} "
            f"({mine / theirs - 1:+.1%})"
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--series", type=int, default=300, help="series per pattern and history length"
    )
    parser.add_argument(
        "--quick", action="store_true", help="40 series per pattern and history length"
    )
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    count = 40 if args.quick else args.series

    import statsforecast

    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, statsforecast "
        f"{statsforecast.__version__}; "
        f"one series at a time, one core"
    )
    print(
        "statsforecast times exclude numba JIT compilation (each model ran once on a "
        "warm-up series first); "
        "the engine is plain Python"
    )
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = evaluate(count, args.seed)
    print(f"({time.perf_counter() - started:.0f} s in all)\n")
    print_tables(scores, count)
    print_goals(scores)


if __name__ == "__main__":
    main()
