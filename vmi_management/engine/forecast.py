"""Expected daily demand from daily consumption history.

A history runs oldest day first, one value per day; ``None`` is a day whose
demand is not known: no data that day, a day out of stock (censored: what
was consumed is less than what was asked for), a promotion's day (its
demand is not the baseline's) or a day the planner marked as an outlier.
Such a day is skipped, not read as zero: the methods carry their state
across it, so a stockout never drags a forecast down.

Every method returns a :class:`Forecast`, the demand of each day ahead
(day 0 is the day after the history), which the policies sum over lead
time and cover:

- ``moving_average``: mean of the last ``window`` known days (what planners
  call average daily usage);
- ``ses``: simple exponential smoothing;
- ``holt``: Holt's linear trend, damped, so a trend fades over the horizon
  rather than running on for ever; it starts from the least-squares line of
  the first four weeks, not from two noisy days;
- ``holt_winters``: level, optionally a damped trend, and a weekly pattern
  (multiplicative: a busy day stays busy in the same proportion when demand
  grows), for demand that differs by day of the week; the pattern starts
  as the average over the history's weeks (up to a year) of each day ÷ its
  week's mean;
- ``croston``, ``sba`` and ``tsb``: for intermittent demand. Croston divides
  the smoothed size of demands by the smoothed interval between them; SBA
  removes Croston's upward bias; TSB smooths the probability of a demand
  every day, so a product that stops selling sees its forecast fall;
- ``auto``: among the methods suited to the demand pattern, the one whose
  one-day-ahead forecasts over the last third of the known days, held out,
  have the lowest root mean squared scaled error (RMSSE) with a bias within
  tolerance. Squared errors are minimised by the mean, so on intermittent
  demand the choice does not drift to zero as it would by mean absolute
  error, which the median minimises. The weekly pattern is a candidate only
  when demand, less its trend, correlates with demand a week before beyond
  chance: fitted to noise, a weekly pattern forecasts worse.

Smoothing parameters of ``ses``, ``holt`` and ``holt_winters`` are chosen
from a small grid by in-sample one-day-ahead squared error, on the days
before the holdout: fitting and scoring in one pass per setting keeps the
automatic choice at about a millisecond per line.
``benchmarks/bench_forecast.py`` compares the choice with statsforecast's
AutoETS, Croston and seasonal naive forecasts.
"""

from collections import deque
from functools import lru_cache
from math import dist, sqrt
from operator import mul

from .frozen import frozen
from .i18n import _

DEFAULT_METHOD = "moving_average"
DEFAULT_WINDOW = 28
DEFAULT_ALPHA = 0.2
DEFAULT_BETA = 0.1
DEFAULT_DAMPING = 0.9
DEFAULT_GAMMA = 0.1
INTERMITTENT_ALPHA = 0.1
WEEK = 7
HOLDOUT_DAYS = 14
# Syntetos–Boylan: demand is intermittent when, on average, more than 1.32
# days pass between two days with demand.
INTERMITTENT_INTERVAL = 1.32
# A candidate whose holdout forecasts run high or low by more than this share of the
# actual demand is passed over, unless every candidate does.
BIAS_TOLERANCE = 0.25
ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5)
HOLT_GRID = tuple(
    (alpha, beta, phi)
    for alpha in (0.05, 0.1, 0.3)
    for beta in (0.02, 0.1)
    for phi in (0.9, 0.98)
)
# days the starting level and trend of Holt's method are fitted on
TREND_START_DAYS = 28
SEASONAL_GRID = tuple(
    (alpha, gamma, beta, phi)
    for alpha in (0.05, 0.1, 0.3)
    for gamma in (0.02, 0.1)
    for beta, phi in ((0.0, 1.0), (0.05, 0.95))
)
# weeks the starting weekly pattern is averaged over (at most; never the last full week
# known)
SEASON_WEEKS = 52
NEGLIGIBLE = 1e-9
# one-sided 90 % quantile of the normal distribution: a weekly pattern must be this many
# standard errors clear
SEASONALITY_Z = 1.2816


@frozen
class Forecast:
    """How much demand to expect on each day ahead, and how that was forecast.

    ``rate`` is the first day's demand. A flat forecast expects it every
    day; ``trend`` (damped by ``damping`` each day) and ``season`` (one
    factor per day of the week, starting with day 0, multiplying the level
    and trend) shape the days after.
    """

    method: str
    rate: float
    params: tuple = ()
    holdout_error: float | None = None
    level: float | None = None
    trend: float = 0.0
    damping: float = 1.0
    season: tuple = ()

    @property
    def label(self):
        return method_label(self.method, self.params)

    @property
    def is_flat(self):
        return not self.trend and not self.season

    def at(self, day):
        """Expected demand of ``day`` (0: the day after the history), never below
        zero."""
        if self.is_flat:
            return self.rate
        if self.damping == 1.0:
            trend = self.trend * (day + 1)
        else:
            trend = (
                self.trend
                * self.damping
                * (1 - self.damping ** (day + 1))
                / (1 - self.damping)
            )
        value = self.level + trend
        if self.season:
            value *= self.season[day % len(self.season)]
        return max(value, 0.0)

    def total(self, days):
        """Expected demand over the next ``days`` days (a fraction of a day counts in
        proportion)."""
        if days <= 0:
            return 0.0
        if self.is_flat:
            return self.rate * days
        whole = int(days)
        return sum(self.at(day) for day in range(whole)) + (days - whole) * self.at(
            whole
        )


def _flat(method, rate, params, holdout_error=None):
    return Forecast.make(method, max(rate, 0.0), params, holdout_error)


def method_label(method, params, holdout_error=None):
    """How a forecast was made, in words: the method and its settings, and, given the
    holdout error it was chosen by, that it was chosen automatically."""
    name = METHOD_NAMES.get(method)
    label = _label(name() if name else method.replace("_", " "), params)
    if holdout_error is None:
        return label
    return label + _(", chosen automatically (holdout RMSSE %(error)s)") % {
        "error": f"{holdout_error:.2f}"
    }


@lru_cache(maxsize=1024)
def _label(method_name, params):
    """'moving average (window 28)': how a rate was forecast, in words.

    Few are distinct, so they are cached; ``method_name`` is the method's name
    in the reader's language (:data:`METHOD_NAMES`).
    """
    settings = ", ".join(f"{name} {value:g}" for name, value in params)
    return method_name + (f" ({settings})" if settings else "")


# each method's name as a planner reads it, translated when a label is written
METHOD_NAMES = {
    "moving_average": lambda: _("moving average"),
    "ses": lambda: _("ses"),
    "holt": lambda: _("holt"),
    "holt_winters": lambda: _("holt winters"),
    "croston": lambda: _("croston"),
    "sba": lambda: _("sba"),
    "tsb": lambda: _("tsb"),
}


def known(demand):
    """The days of ``demand`` whose value is known."""
    return [value for value in demand if value is not None]


# ----------------------------------------------------------------------
# One pass per method: the state after the history, and the one-day-ahead
# forecast made before each day (None before the method can forecast).
# ----------------------------------------------------------------------


def _moving_average_pass(demand, window=DEFAULT_WINDOW):
    recent, total, count, fitted = deque(), 0.0, 0, []
    append = fitted.append
    for value in demand:
        append(total / count if count else None)
        if value is None:
            continue
        recent.append(value)
        total += value
        if count < window:
            count += 1
        else:
            total -= recent.popleft()
    return (total / count if count else 0.0), fitted


def _ses_pass(demand, alpha):
    level, fitted, squared = None, [], 0.0
    append = fitted.append  # the passes run a few dozen times per line with "auto"
    for value in demand:
        append(level)
        if value is None:
            continue
        if level is None:
            level = value
        else:
            error = value - level
            squared += error**2
            level += alpha * error
    return level or 0.0, fitted, squared


def _line_start(demand, days=TREND_START_DAYS):
    """Level and trend where a straight line fitted to the first ``days`` days puts the
    day before the history.

    Least squares over the known days among the first ``days`` (more when
    fewer than two are known there); (None, 0) without a known day.
    """
    points = []
    for day, value in enumerate(demand):
        if day >= days and len(points) >= 2:
            break
        if value is not None:
            points.append((day, value))
    if not points:
        return None, 0.0
    count = len(points)
    mean_day = sum(day for day, __ in points) / count
    mean = sum(value for __, value in points) / count
    spread = sum((day - mean_day) ** 2 for day, __ in points)
    trend = (
        sum((day - mean_day) * (value - mean) for day, value in points) / spread
        if spread
        else 0.0
    )
    return mean - trend * (mean_day + 1), trend


def _holt_pass(demand, alpha, beta, phi, start=None):
    """Damped trend from ``start`` (:func:`_line_start` when not given).

    Returns (level, trend, fitted, squared error of the fitted days).
    """
    level, trend = start or _line_start(demand)
    if level is None:
        return 0.0, 0.0, [None] * len(demand), 0.0
    fitted, squared = [], 0.0
    append = fitted.append
    kept, faded = 1 - alpha, (1 - beta) * phi  # the same products, once per pass
    for value in demand:
        forecast = level + phi * trend
        clipped = 0.0 if forecast < 0.0 else forecast  # max(forecast, 0.0)
        append(clipped)
        if value is None:
            # a day not known: the state moves on as forecast
            level, trend = forecast, phi * trend
            continue
        squared += (value - clipped) ** 2
        previous = level
        level = alpha * value + kept * forecast
        trend = beta * (level - previous) + faded * trend
    return level, trend, fitted, squared


def _seasonal_start(demand, period=WEEK, weeks=SEASON_WEEKS):
    """Where a weekly pattern starts, from the known days of the first ``weeks`` full
    weeks.

    A day-of-week factor is the average over those weeks of the day's
    demand ÷ its week's mean (the factors average 1); the trend is the
    change of the weekly means per day. Returns (mean, day of the mean,
    trend, factors), or None when a day of the week is never known.
    """
    last = max(
        (day for day, value in enumerate(demand) if value is not None), default=-1
    )
    weeks = max(1, min(weeks, (last + 1) // period - 1))
    sums, counts, means = [0.0] * period, [0] * period, []
    for week in range(weeks):
        values = demand[week * period : (week + 1) * period]
        present = [value for value in values if value is not None]
        if not present:
            continue
        mean = sum(present) / len(present)
        means.append((week, mean))
        if mean <= 0:
            continue
        for slot, value in enumerate(values):
            if value is not None:
                sums[slot] += value / mean
                counts[slot] += 1
    if not all(counts):
        return None
    factors = [total / count for total, count in zip(sums, counts, strict=False)]
    scale = sum(factors) / period
    trend = 0.0
    if len(means) > 1:
        (first, first_mean), (last, last_mean) = means[0], means[-1]
        trend = (last_mean - first_mean) / (period * (last - first))
    middle = sum(week for week, __ in means) / len(means) * period + (period - 1) / 2
    return (
        sum(mean for __, mean in means) / len(means),
        middle,
        trend,
        tuple(factor / scale for factor in factors),
    )


def _seasonal_pass(demand, alpha, gamma, beta=0.0, phi=1.0, period=WEEK, start=None):
    """Level, damped trend (none when ``beta`` is 0) and multiplicative day-of-week
    factors.

    Starts from ``start`` (:func:`_seasonal_start` of ``demand`` when not
    given). Returns (level, trend, factors of the next ``period`` days
    starting with the day after the history, fitted, squared error of the
    fitted days); (None, 0, (), no fitted values, 0) when no start can be
    made.
    """
    start = start or _seasonal_start(demand, period)
    if start is None:
        return None, 0.0, (), [None] * len(demand), 0.0
    mean, middle, trend, factors = start
    trend = trend if beta else 0.0
    level, factors = mean - trend * (middle + 1), list(factors)
    fitted, squared = [], 0.0
    slot = 0
    for value in demand:
        base = level + phi * trend
        factor = factors[slot]
        forecast = base * factor if base > 0 else 0.0
        fitted.append(forecast)
        if value is None:
            level, trend = base, phi * trend
        else:
            squared += (value - forecast) ** 2
            previous = level
            level = (
                alpha * value / factor + (1 - alpha) * base
                if factor > NEGLIGIBLE
                else base
            )
            if beta:
                trend = beta * (level - previous) + (1 - beta) * phi * trend
            if base > NEGLIGIBLE:
                factors[slot] = gamma * value / base + (1 - gamma) * factor
        slot = slot + 1 if slot + 1 < period else 0
    return level, trend, tuple(factors[slot:] + factors[:slot]), fitted, squared


def _croston_pass(demand, alpha, debiased=False):
    size = interval = None
    days_since, fitted = 0, []
    factor = 1 - alpha / 2 if debiased else 1.0
    for value in demand:
        fitted.append(size / interval * factor if size is not None else None)
        if value is None:
            continue
        days_since += 1
        if value:
            if size is None:
                size, interval = value, days_since
            else:
                size += alpha * (value - size)
                interval += alpha * (days_since - interval)
            days_since = 0
    return (size / interval * factor if size is not None else 0.0), fitted


def _tsb_pass(demand, alpha_size, alpha_probability):
    """Teunter–Syntetos–Babai: smoothed size of demands × smoothed probability of a
    demand on any day."""
    size = probability = None
    fitted = []
    for value in demand:
        fitted.append(
            size * probability if size is not None and probability is not None else None
        )
        if value is None:
            continue
        occurred = 1.0 if value else 0.0
        probability = (
            occurred
            if probability is None
            else probability + alpha_probability * (occurred - probability)
        )
        if value:
            size = value if size is None else size + alpha_size * (value - size)
    return (size * probability if size is not None else 0.0), fitted


# ----------------------------------------------------------------------
# The methods
# ----------------------------------------------------------------------


def moving_average(demand, window=DEFAULT_WINDOW):
    return _moving_average(demand, window, None not in demand)


def _moving_average(demand, window, complete):
    """:func:`moving_average`, told whether every day of ``demand`` is known."""
    # every day known: the mean of the last days, summed in C (the planning default, on
    # every line)
    if complete:
        recent = demand[-window:]
        rate = sum(recent) / len(recent) if recent else 0.0
    else:
        rate = _moving_average_pass(demand, window)[0]
    return _flat("moving_average", rate, (("window", window),))


def ses(demand, alpha=None):
    """Simple exponential smoothing from the first known day; ``alpha`` fitted when not
    given."""
    if alpha is None:
        alpha, (level, __, __) = _best_setting(
            ALPHAS, lambda setting: _ses_pass(demand, setting)
        )
    else:
        level = _ses_pass(demand, alpha)[0]
    return _flat("ses", level, (("alpha", alpha),))


def holt(demand, alpha=None, beta=None, phi=DEFAULT_DAMPING):
    """Damped Holt from the first two known days; forecasts fade from the level along
    the damped trend.

    Parameters not given are fitted together (``phi=1`` is Holt's undamped linear
    trend).
    """
    if alpha is None or beta is None:
        start = _line_start(demand)
        (alpha, beta, phi), (level, trend, __, __) = _best_setting(
            HOLT_GRID, lambda setting: _holt_pass(demand, *setting, start)
        )
    else:
        level, trend, __, __ = _holt_pass(demand, alpha, beta, phi)
    params = (("alpha", alpha), ("beta", beta), ("phi", phi))
    return Forecast.make(
        "holt",
        max(level + phi * trend, 0.0),
        params,
        level=level,
        trend=trend,
        damping=phi,
    )


def holt_winters(
    demand, alpha=None, gamma=None, beta=0.0, phi=DEFAULT_DAMPING, period=WEEK
):
    """Level, optionally a damped trend, and a weekly pattern (multiplicative).

    A flat moving average until the history spans two weeks, or while a day
    of the week has never been known.

    Parameters not given are fitted together (``beta=0``: no trend).
    """
    start = _seasonal_start(demand, period) if len(demand) >= 2 * period else None
    if start is None:
        return moving_average(demand)
    if alpha is None or gamma is None:
        (alpha, gamma, beta, phi), (level, trend, season, __, __) = _best_setting(
            SEASONAL_GRID,
            lambda setting: _seasonal_pass(demand, *setting, period, start),
        )
    else:
        level, trend, season, __, __ = _seasonal_pass(
            demand, alpha, gamma, beta, phi, period, start
        )
    params = (("alpha", alpha), ("gamma", gamma)) + (
        (("beta", beta), ("phi", phi)) if beta else ()
    )
    damping = phi if beta else 1.0
    result = Forecast.make(
        "holt_winters",
        0.0,
        params,
        level=level,
        trend=trend,
        damping=damping,
        season=season,
    )
    return Forecast.make(
        "holt_winters",
        result.at(0),
        params,
        level=level,
        trend=trend,
        damping=damping,
        season=season,
    )


def croston(demand, alpha=INTERMITTENT_ALPHA, debiased=False):
    """Croston's method: smoothed size of the non-zero demands over their smoothed
    interval.

    Sizes and intervals are initialised on the first non-zero day; with
    ``debiased`` the result is the Syntetos–Boylan approximation (SBA),
    multiplied by 1 − α/2.
    """
    method = "sba" if debiased else "croston"
    return _flat(method, _croston_pass(demand, alpha, debiased)[0], (("alpha", alpha),))


def sba(demand, alpha=INTERMITTENT_ALPHA):
    return croston(demand, alpha, debiased=True)


def tsb(demand, alpha_size=INTERMITTENT_ALPHA, alpha_probability=INTERMITTENT_ALPHA):
    return _flat(
        "tsb",
        _tsb_pass(demand, alpha_size, alpha_probability)[0],
        (("alpha", alpha_size), ("beta", alpha_probability)),
    )


METHODS = {
    "moving_average": moving_average,
    "ses": ses,
    "holt": holt,
    "holt_winters": holt_winters,
    "croston": croston,
    "sba": sba,
    "tsb": tsb,
}


def _best_setting(settings, run):
    """The setting whose pass (``run(setting)``, the in-sample squared one-day-ahead
    error last) has the least error, and the result of that pass.

    The first such setting, as ``min`` takes; its pass is the method's fit.
    """
    best = best_run = None
    for setting in settings:
        result = run(setting)
        if best_run is None or result[-1] < best_run[-1]:
            best, best_run = setting, result
    return best, best_run


# ----------------------------------------------------------------------
# The automatic choice
# ----------------------------------------------------------------------


def average_demand_interval(demand):
    """Days per day with demand (ADI) over the known days; infinite when nothing was
    consumed."""
    values = known(demand)
    nonzero = sum(1 for value in values if value)
    return len(values) / nonzero if nonzero else float("inf")


def _detrended(demand):
    """``demand`` less its least-squares line over the known days (unknown days stay
    None)."""
    points = [(day, value) for day, value in enumerate(demand) if value is not None]
    count = len(points)
    mean_day = sum(day for day, __ in points) / count
    mean = sum(value for __, value in points) / count
    spread = sum((day - mean_day) ** 2 for day, __ in points)
    slope = (
        sum((day - mean_day) * (value - mean) for day, value in points) / spread
        if spread
        else 0.0
    )
    return [
        None if value is None else value - mean - slope * (day - mean_day)
        for day, value in enumerate(demand)
    ]


def has_weekly_pattern(demand):
    """Whether demand, less its trend, is correlated with demand a week before beyond
    chance (90 %, Bartlett).

    The test classical decomposition methods run before they fit a seasonal
    model: noise alone fits a weekly pattern too, and forecasts worse for it.
    """
    count = len(known(demand))
    if count < 4 * WEEK:
        return False
    deviations = _detrended(demand)
    complete = None not in deviations
    variance = _lagged_products(deviations, 0, complete)
    if not variance:
        return False
    correlations = [
        _lagged_products(deviations, lag, complete) / variance
        for lag in range(1, WEEK + 1)
    ]
    limit = SEASONALITY_Z * sqrt(
        (1 + 2 * sum(r * r for r in correlations[:-1])) / count
    )
    return correlations[-1] > limit


def _lagged_products(values, lag, complete):
    """Σ of each known value × the value ``lag`` days later, where known; summed in C
    when every value is known (``complete``)."""
    later = values[lag:]
    if complete:
        return sum(map(mul, values, later))
    return sum(
        a * b
        for a, b in zip(values, later, strict=False)
        if a is not None and b is not None
    )


def candidate_methods(demand):
    """The methods suited to this demand pattern."""
    if average_demand_interval(demand) > INTERMITTENT_INTERVAL:
        return ("moving_average", "sba", "tsb")
    if has_weekly_pattern(demand):
        return ("moving_average", "ses", "holt", "holt_winters")
    return ("moving_average", "ses", "holt")


def _scale(values):
    """Mean squared day-to-day change of the known demand: what RMSSE divides by (1 when
    it is flat)."""
    changes = [(b - a) ** 2 for a, b in zip(values, values[1:], strict=False)]
    return (sum(changes) / len(changes) if changes else 0.0) or 1.0


def holdout_scores(demand, holdout=HOLDOUT_DAYS, settings=None):
    """RMSSE and relative bias of each suited method's one-day-ahead forecasts over the
    last ``holdout`` known days.

    Parameters are fitted on the days before the holdout only, so the holdout
    is not seen in fitting. Returns ``[(rmsse, bias, method)]``; bias is
    (Σ forecast − Σ actual) ÷ Σ actual, None without demand in the holdout.
    The parameters of each method go into ``settings`` when it is a dict.
    """
    split = len(demand)
    for _seen in range(holdout):
        split -= 1
        while split > 0 and demand[split] is None:
            split -= 1
    train, test = demand[:split], demand[split:]
    holdout = len(test)
    scale = _scale(known(train))
    scores = []
    for name in candidate_methods(train):
        fitted, params = _fitted(name, train, demand)
        if settings is not None:
            settings[name] = params
        pairs = [
            (forecast, actual)
            for forecast, actual in zip(fitted[-holdout:], test, strict=False)
            if forecast is not None and actual is not None
        ]
        if not pairs:
            continue
        squared = sum((forecast - actual) ** 2 for forecast, actual in pairs) / len(
            pairs
        )
        forecasts, actuals = zip(*pairs, strict=True)
        actual_total = sum(actuals)
        relative_bias = (
            (sum(forecasts) - actual_total) / actual_total if actual_total else None
        )
        scores.append((sqrt(squared / scale), relative_bias, name))
    return scores


def _fitted(name, train, demand):
    """One-day-ahead forecasts over all of ``demand`` with the method's parameters
    fitted on ``train``.

    Returns (fitted, the parameters as keywords of the method, or None when it falls
    back to another).
    """
    if name == "moving_average":
        return _moving_average_pass(demand)[1], {}
    if name == "ses":
        alpha = dict(ses(train).params)["alpha"]
        return _ses_pass(demand, alpha)[1], {"alpha": alpha}
    if name == "holt":
        params = dict(holt(train).params)
        return _holt_pass(demand, params["alpha"], params["beta"], params["phi"])[
            2
        ], params
    if name == "holt_winters":
        params = dict(holt_winters(train).params)
        if "window" in params:
            return _moving_average_pass(demand)[1], None
        params = {"beta": 0.0, "phi": 1.0} | params
        return _seasonal_pass(
            demand,
            params["alpha"],
            params["gamma"],
            params["beta"],
            params["phi"],
            start=_seasonal_start(train),
        )[3], params
    if name == "sba":
        return _croston_pass(demand, INTERMITTENT_ALPHA, debiased=True)[1], {}
    if name == "tsb":
        return _tsb_pass(demand, INTERMITTENT_ALPHA, INTERMITTENT_ALPHA)[1], {}
    return _croston_pass(demand, INTERMITTENT_ALPHA)[1], {}


def auto(demand, holdout=None):
    """The suited method with the lowest holdout RMSSE among those without a large bias,
    run over all days.

    The chosen method keeps the parameters it was fitted with before the
    holdout (fitting it again on all days would cost more than it changes).

    The holdout is the last third of the known days, at least
    ``HOLDOUT_DAYS``: a short holdout picks by chance among methods that
    forecast alike. With fewer than ``3 × holdout`` known days there is too
    little to hold out: the moving average, which assumes the least.
    """
    count = len(known(demand))
    holdout = holdout or max(HOLDOUT_DAYS, count // 3)
    if count < 3 * holdout:
        return moving_average(demand)
    settings = {}
    scores = holdout_scores(demand, holdout, settings)
    if not scores:
        return moving_average(demand)
    unbiased = [
        score for score in scores if score[1] is None or abs(score[1]) <= BIAS_TOLERANCE
    ]
    error, __, best = min(unbiased or scores)
    chosen = (
        METHODS[best](demand, **settings[best])
        if settings[best] is not None
        else METHODS[best](demand)
    )
    return Forecast.make(
        chosen.method,
        chosen.rate,
        chosen.params,
        error,
        chosen.level,
        chosen.trend,
        chosen.damping,
        chosen.season,
    )


def forecast(demand, method=None, complete=None):
    """Forecast by ``method`` (None: the planning default, ``"auto"``: chosen on a
    holdout).

    ``complete`` says whether every day of ``demand`` is known, when the caller
    has looked already: the planning default, run on every line of a plan,
    then does not look through the history again.
    """
    method = method or DEFAULT_METHOD
    if method == "moving_average" and complete is not None:
        return _moving_average(demand, DEFAULT_WINDOW, complete)
    if method == "auto":
        return auto(demand)
    return METHODS[method](demand)


def demand_std(demand):
    """Sample standard deviation of the known days' demand (0 with fewer than two)."""
    values = known(demand) if None in demand else demand
    return known_std(values, sum(values))


def known_std(values, total):
    """:func:`demand_std` of days that are all known, whose sum is ``total``."""
    count = len(values)
    if count < 2:
        return 0.0
    # √Σ(x − mean)² is the distance from the mean, which math.dist sums in C without
    # the cancellation of Σx² − (Σx)² / n: this runs for every line of every plan.
    return dist(values, (total / count,) * count) / sqrt(count - 1)


def demand_statistics(demand, method=None):
    """Daily rate, its variability and how the rate was forecast: what the policies
    need."""
    if not known(demand):
        return 0.0, 0.0, "no history"
    result = forecast(demand, method)
    return result.rate, demand_std(demand), result.label
