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
  rather than running on for ever;
- ``holt_winters``: level and weekly seasonality (additive), for demand that
  differs by day of the week;
- ``croston``, ``sba`` and ``tsb``: for intermittent demand. Croston divides
  the smoothed size of demands by the smoothed interval between them; SBA
  removes Croston's upward bias; TSB smooths the probability of a demand
  every day, so a product that stops selling sees its forecast fall;
- ``auto``: among the methods suited to the demand pattern, the one whose
  one-day-ahead forecasts over the last days held out have the lowest
  root mean squared scaled error (RMSSE) with a bias within tolerance.
  Squared errors are minimised by the mean, so on intermittent demand the
  choice does not drift to zero as it would by mean absolute error, which
  the median minimises.

Smoothing parameters of ``ses``, ``holt`` and ``holt_winters`` are chosen
from a small grid by in-sample one-day-ahead squared error, on the days
before the holdout: fitting and scoring in one pass per setting keeps the
automatic choice at about a millisecond per line.
"""
from dataclasses import dataclass
from functools import lru_cache
from math import sqrt
from operator import mul

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
# A candidate whose holdout forecasts run high or low by more than this share of the actual demand is passed
# over, unless every candidate does.
BIAS_TOLERANCE = 0.25
ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5)
HOLT_GRID = tuple((alpha, beta, phi) for alpha in (0.1, 0.2, 0.4) for beta in (0.05, 0.2) for phi in (0.8, 0.9))
SEASONAL_GRID = tuple((alpha, gamma) for alpha in (0.05, 0.1, 0.3) for gamma in (0.05, 0.15))


@dataclass(frozen=True, slots=True)
class Forecast:
    """How much demand to expect on each day ahead, and how that was forecast.

    ``rate`` is the first day's demand. A flat forecast expects it every
    day; ``trend`` (damped by ``damping`` each day) and ``season`` (one
    offset per day of the week, starting with day 0) shape the days after.
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
        return _label(self.method, self.params)

    @property
    def is_flat(self):
        return not self.trend and not self.season

    def at(self, day):
        """Expected demand of ``day`` (0: the day after the history), never below zero."""
        if self.is_flat:
            return self.rate
        if self.damping == 1.0:
            trend = self.trend * (day + 1)
        else:
            trend = self.trend * self.damping * (1 - self.damping ** (day + 1)) / (1 - self.damping)
        value = self.level + trend + (self.season[day % len(self.season)] if self.season else 0.0)
        return max(value, 0.0)

    def total(self, days):
        """Expected demand over the next ``days`` days (a fraction of a day counts in proportion)."""
        if days <= 0:
            return 0.0
        if self.is_flat:
            return self.rate * days
        whole = int(days)
        return sum(self.at(day) for day in range(whole)) + (days - whole) * self.at(whole)


def _flat(method, rate, params, holdout_error=None):
    return Forecast(method, max(rate, 0.0), params, holdout_error)


@lru_cache(maxsize=1024)
def _label(method, params):
    """'moving average (window 28)': how a rate was forecast, in words (few distinct, so cached)."""
    settings = ", ".join(f"{name} {value:g}" for name, value in params)
    return method.replace("_", " ") + (f" ({settings})" if settings else "")


def known(demand):
    """The days of ``demand`` whose value is known."""
    return [value for value in demand if value is not None]


# ----------------------------------------------------------------------
# One pass per method: the state after the history, and the one-day-ahead
# forecast made before each day (None before the method can forecast).
# ----------------------------------------------------------------------

def _moving_average_pass(demand, window=DEFAULT_WINDOW):
    recent, total, fitted = [], 0.0, []
    for value in demand:
        fitted.append(total / len(recent) if recent else None)
        if value is None:
            continue
        recent.append(value)
        total += value
        if len(recent) > window:
            total -= recent.pop(0)
    return (total / len(recent) if recent else 0.0), fitted


def _ses_pass(demand, alpha):
    level, fitted = None, []
    for value in demand:
        fitted.append(level)
        if value is None:
            continue
        level = value if level is None else level + alpha * (value - level)
    return level or 0.0, fitted


def _holt_pass(demand, alpha, beta, phi):
    """Damped trend; level and trend start from the first two known days. Returns (level, trend, fitted)."""
    level = trend = None
    fitted = []
    for value in demand:
        if level is None or trend is None:
            fitted.append(level)
            if value is not None:
                if level is None:
                    level = value
                else:
                    level, trend = value, value - level
            continue
        forecast = level + phi * trend
        fitted.append(max(forecast, 0.0))
        if value is None:
            level, trend = forecast, phi * trend      # a day not known: the state moves on as forecast
            continue
        previous = level
        level = alpha * value + (1 - alpha) * forecast
        trend = beta * (level - previous) + (1 - beta) * phi * trend
    return (level or 0.0), (trend or 0.0), fitted


def _seasonal_pass(demand, alpha, gamma, period=WEEK):
    """Level and additive seasonality; starts once the first ``period`` days are known.

    Returns (level, season offsets of the next ``period`` days starting with
    the day after the history, fitted).
    """
    fitted = [None] * min(period, len(demand))
    first = demand[:period]
    if len(demand) <= period or any(value is None for value in first):
        return None, (), fitted + [None] * (len(demand) - len(fitted))
    level = sum(first) / period
    season = [value - level for value in first]
    for index in range(period, len(demand)):
        slot = index % period
        forecast = level + season[slot]
        fitted.append(max(forecast, 0.0))
        value = demand[index]
        if value is None:
            continue
        previous = level
        level = alpha * (value - season[slot]) + (1 - alpha) * level
        season[slot] = gamma * (value - previous) + (1 - gamma) * season[slot]
    start = len(demand) % period
    return level, tuple(season[start:] + season[:start]), fitted


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
    """Teunter–Syntetos–Babai: smoothed size of demands × smoothed probability of a demand on any day."""
    size = probability = None
    fitted = []
    for value in demand:
        fitted.append(size * probability if size is not None and probability is not None else None)
        if value is None:
            continue
        occurred = 1.0 if value else 0.0
        probability = occurred if probability is None else probability + alpha_probability * (occurred - probability)
        if value:
            size = value if size is None else size + alpha_size * (value - size)
    return (size * probability if size is not None else 0.0), fitted


# ----------------------------------------------------------------------
# The methods
# ----------------------------------------------------------------------

def moving_average(demand, window=DEFAULT_WINDOW):
    return _flat("moving_average", _moving_average_pass(demand, window)[0], (("window", window),))


def ses(demand, alpha=None):
    """Simple exponential smoothing from the first known day; ``alpha`` fitted when not given."""
    alpha = alpha if alpha is not None else _best_setting(demand, ALPHAS, lambda a: _ses_pass(demand, a)[1])
    return _flat("ses", _ses_pass(demand, alpha)[0], (("alpha", alpha),))


def holt(demand, alpha=None, beta=None, phi=DEFAULT_DAMPING):
    """Damped Holt from the first two known days; forecasts fade from the level along the damped trend.

    Parameters not given are fitted together (``phi=1`` is Holt's undamped linear trend).
    """
    if alpha is None or beta is None:
        alpha, beta, phi = _best_setting(demand, HOLT_GRID, lambda setting: _holt_pass(demand, *setting)[2])
    level, trend, __ = _holt_pass(demand, alpha, beta, phi)
    params = (("alpha", alpha), ("beta", beta), ("phi", phi))
    return Forecast("holt", max(level + phi * trend, 0.0), params, level=level, trend=trend, damping=phi)


def holt_winters(demand, alpha=None, gamma=None, period=WEEK):
    """Level with a weekly pattern (additive); a flat moving average until two weeks are known."""
    if len(demand) < 2 * period or any(value is None for value in demand[:period]):
        return moving_average(demand)
    if alpha is None or gamma is None:
        alpha, gamma = _best_setting(demand, SEASONAL_GRID, lambda setting: _seasonal_pass(demand, *setting)[2])
    level, season, __ = _seasonal_pass(demand, alpha, gamma, period)
    params = (("alpha", alpha), ("gamma", gamma))
    return Forecast("holt_winters", max(level + season[0], 0.0), params, level=level, season=season)


def croston(demand, alpha=INTERMITTENT_ALPHA, debiased=False):
    """Croston's method: smoothed size of the non-zero demands over their smoothed interval.

    Sizes and intervals are initialised on the first non-zero day; with
    ``debiased`` the result is the Syntetos–Boylan approximation (SBA),
    multiplied by 1 − α/2.
    """
    method = "sba" if debiased else "croston"
    return _flat(method, _croston_pass(demand, alpha, debiased)[0], (("alpha", alpha),))


def sba(demand, alpha=INTERMITTENT_ALPHA):
    return croston(demand, alpha, debiased=True)


def tsb(demand, alpha_size=INTERMITTENT_ALPHA, alpha_probability=INTERMITTENT_ALPHA):
    return _flat("tsb", _tsb_pass(demand, alpha_size, alpha_probability)[0],
                 (("alpha", alpha_size), ("beta", alpha_probability)))


METHODS = {
    "moving_average": moving_average,
    "ses": ses,
    "holt": holt,
    "holt_winters": holt_winters,
    "croston": croston,
    "sba": sba,
    "tsb": tsb,
}


def _best_setting(demand, settings, fitted_by):
    """The setting whose one-day-ahead forecasts have the least squared error over the known days."""
    def error(setting):
        return sum((forecast - value) ** 2 for forecast, value in zip(fitted_by(setting), demand)
                   if forecast is not None and value is not None)
    return min(settings, key=error)


# ----------------------------------------------------------------------
# The automatic choice
# ----------------------------------------------------------------------

def average_demand_interval(demand):
    """Days per day with demand (ADI) over the known days; infinite when nothing was consumed."""
    values = known(demand)
    nonzero = sum(1 for value in values if value)
    return len(values) / nonzero if nonzero else float("inf")


def candidate_methods(demand):
    """The methods suited to this demand pattern."""
    if average_demand_interval(demand) > INTERMITTENT_INTERVAL:
        return ("moving_average", "sba", "tsb")
    if len(known(demand)) >= 4 * WEEK:
        return ("moving_average", "ses", "holt", "holt_winters")
    return ("moving_average", "ses", "holt")


def _scale(values):
    """Mean squared day-to-day change of the known demand: what RMSSE divides by (1 when it is flat)."""
    changes = [(b - a) ** 2 for a, b in zip(values, values[1:])]
    return (sum(changes) / len(changes) if changes else 0.0) or 1.0


def holdout_scores(demand, holdout=HOLDOUT_DAYS):
    """RMSSE and relative bias of each suited method's one-day-ahead forecasts over the last ``holdout`` known days.

    Parameters are fitted on the days before the holdout only, so the holdout
    is not seen in fitting. Returns ``[(rmsse, bias, method)]``; bias is
    (Σ forecast − Σ actual) ÷ Σ actual, None without demand in the holdout.
    """
    split = len(demand)
    for seen in range(holdout):
        split -= 1
        while split > 0 and demand[split] is None:
            split -= 1
    train, test = demand[:split], demand[split:]
    holdout = len(test)
    scale = _scale(known(train))
    scores = []
    for name in candidate_methods(train):
        fitted = _fitted(name, train, demand)
        pairs = [(forecast, actual) for forecast, actual in zip(fitted[-holdout:], test)
                 if forecast is not None and actual is not None]
        if not pairs:
            continue
        squared = sum((forecast - actual) ** 2 for forecast, actual in pairs) / len(pairs)
        actual_total = sum(actual for __, actual in pairs)
        relative_bias = (sum(forecast for forecast, __ in pairs) - actual_total) / actual_total \
            if actual_total else None
        scores.append((sqrt(squared / scale), relative_bias, name))
    return scores


def _fitted(name, train, demand):
    """One-day-ahead forecasts over all of ``demand`` with the method's parameters fitted on ``train``."""
    if name == "moving_average":
        return _moving_average_pass(demand)[1]
    if name == "ses":
        return _ses_pass(demand, ses(train).params[0][1])[1]
    if name == "holt":
        return _holt_pass(demand, *(value for __, value in holt(train).params))[2]
    if name == "holt_winters":
        params = holt_winters(train).params
        if not params or params[0][0] == "window":
            return _moving_average_pass(demand)[1]
        return _seasonal_pass(demand, *(value for __, value in params))[2]
    if name == "sba":
        return _croston_pass(demand, INTERMITTENT_ALPHA, debiased=True)[1]
    if name == "tsb":
        return _tsb_pass(demand, INTERMITTENT_ALPHA, INTERMITTENT_ALPHA)[1]
    return _croston_pass(demand, INTERMITTENT_ALPHA)[1]


def auto(demand, holdout=HOLDOUT_DAYS):
    """The suited method with the lowest holdout RMSSE among those without a large bias, refitted on all days.

    With fewer than ``3 × holdout`` known days there is too little to hold
    out: the moving average, which assumes the least.
    """
    if len(known(demand)) < 3 * holdout:
        return moving_average(demand)
    scores = holdout_scores(demand, holdout)
    if not scores:
        return moving_average(demand)
    unbiased = [score for score in scores if score[1] is None or abs(score[1]) <= BIAS_TOLERANCE]
    error, __, best = min(unbiased or scores)
    chosen = METHODS[best](demand)
    return Forecast(chosen.method, chosen.rate, chosen.params, error, chosen.level, chosen.trend,
                    chosen.damping, chosen.season)


def forecast(demand, method=None):
    """Forecast by ``method`` (None: the planning default, ``"auto"``: chosen on a holdout)."""
    if method == "auto":
        return auto(demand)
    return METHODS[method or DEFAULT_METHOD](demand)


def demand_std(demand):
    """Sample standard deviation of the known days' demand (0 with fewer than two)."""
    values = known(demand) if None in demand else demand
    count = len(values)
    if count < 2:
        return 0.0
    total = sum(values)
    # Σ(x − mean)² = Σx² − (Σx)² / n, summed in C: this runs for every line of every plan.
    return sqrt(max((sum(map(mul, values, values)) - total * total / count) / (count - 1), 0.0))


def demand_statistics(demand, method=None):
    """Daily rate, its variability and how the rate was forecast: what the policies need."""
    if not known(demand):
        return 0.0, 0.0, "no history"
    result = forecast(demand, method)
    return result.rate, demand_std(demand), result.label
