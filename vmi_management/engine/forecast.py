"""Expected daily demand from daily consumption history.

Each method turns a history (oldest day first, zero days included) into a
flat daily rate for the days ahead: the rate the policies plan with.

- ``moving_average``: mean of the last ``window`` days (the planning
  default: cheap, robust, what planners call average daily usage);
- ``ses``: simple exponential smoothing;
- ``holt``: Holt's linear trend, next-day level plus trend (never below 0);
- ``croston`` and ``sba``: for intermittent demand, smoothed demand size
  over smoothed interval between demands (SBA removes Croston's bias);
- ``auto``: among the methods suited to the demand pattern (Croston and
  SBA only when demand is intermittent, Holt and SES only when it is not),
  the one with the lowest error on the last days held out, refitted on the
  whole history.
"""
from dataclasses import dataclass
from functools import lru_cache
from math import sqrt
from operator import mul

DEFAULT_METHOD = "moving_average"
DEFAULT_WINDOW = 28
DEFAULT_ALPHA = 0.2
DEFAULT_BETA = 0.1
INTERMITTENT_ALPHA = 0.1
HOLDOUT_DAYS = 14
# Syntetos–Boylan: demand is intermittent when, on average, more than 1.32
# days pass between two days with demand.
INTERMITTENT_INTERVAL = 1.32


@dataclass(frozen=True, slots=True)
class Forecast:
    method: str
    rate: float
    params: tuple = ()
    holdout_error: float | None = None

    @property
    def label(self):
        return _label(self.method, self.params)


@lru_cache(maxsize=1024)
def _label(method, params):
    """'moving average (window 28)': how a rate was forecast, in words (few distinct, so cached)."""
    settings = ", ".join(f"{name} {value:g}" for name, value in params)
    return method.replace("_", " ") + (f" ({settings})" if settings else "")


def moving_average(demand, window=DEFAULT_WINDOW):
    recent = demand[-window:]
    return Forecast("moving_average", sum(recent) / len(recent) if recent else 0.0, (("window", window),))


def ses(demand, alpha=DEFAULT_ALPHA):
    """Simple exponential smoothing, level initialised on the first day."""
    if not demand:
        return Forecast("ses", 0.0, (("alpha", alpha),))
    level = demand[0]
    for value in demand[1:]:
        level += alpha * (value - level)
    return Forecast("ses", level, (("alpha", alpha),))


def holt(demand, alpha=DEFAULT_ALPHA, beta=DEFAULT_BETA):
    """Holt's linear trend, initialised on the first two days; forecasts the next day."""
    params = (("alpha", alpha), ("beta", beta))
    if len(demand) < 2:
        return Forecast("holt", max(demand[0], 0.0) if demand else 0.0, params)
    level, trend = demand[0], demand[1] - demand[0]
    for value in demand[1:]:
        previous = level
        level = alpha * value + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
    return Forecast("holt", max(level + trend, 0.0), params)


def croston(demand, alpha=INTERMITTENT_ALPHA, debiased=False):
    """Croston's method: smoothed size of the non-zero demands over their smoothed interval.

    Sizes and intervals are initialised on the first non-zero day; with
    ``debiased`` the result is the Syntetos–Boylan approximation (SBA),
    multiplied by 1 − α/2.
    """
    method = "sba" if debiased else "croston"
    size = interval = None
    days_since = 0
    for value in demand:
        days_since += 1
        if value:
            if size is None:
                size, interval = value, days_since
            else:
                size += alpha * (value - size)
                interval += alpha * (days_since - interval)
            days_since = 0
    if size is None:
        return Forecast(method, 0.0, (("alpha", alpha),))
    rate = size / interval
    return Forecast(method, rate * (1 - alpha / 2) if debiased else rate, (("alpha", alpha),))


def sba(demand, alpha=INTERMITTENT_ALPHA):
    return croston(demand, alpha, debiased=True)


METHODS = {
    "moving_average": moving_average,
    "ses": ses,
    "holt": holt,
    "croston": croston,
    "sba": sba,
}


def average_demand_interval(demand):
    """Days per day with demand (ADI); infinite when nothing was consumed."""
    nonzero = sum(1 for value in demand if value)
    return len(demand) / nonzero if nonzero else float("inf")


def candidate_methods(demand):
    """The methods suited to this demand pattern."""
    if average_demand_interval(demand) > INTERMITTENT_INTERVAL:
        return ("moving_average", "croston", "sba")
    return ("moving_average", "ses", "holt")


def auto(demand, holdout=HOLDOUT_DAYS):
    """The suited method with the lowest mean absolute error on the last ``holdout`` days, refitted on all."""
    if len(demand) < 2 * holdout:
        return moving_average(demand)
    train, test = demand[:-holdout], demand[-holdout:]
    scored = []
    for name in candidate_methods(train):
        method = METHODS[name]
        rate = method(train).rate
        scored.append((sum(abs(actual - rate) for actual in test) / holdout, name))
    error, best = min(scored)
    chosen = METHODS[best](demand)
    return Forecast(chosen.method, chosen.rate, chosen.params, error)


def forecast(demand, method=None):
    """Daily rate by ``method`` (None: the planning default, ``"auto"``: chosen by holdout error)."""
    if method == "auto":
        return auto(demand)
    return METHODS[method or DEFAULT_METHOD](demand)


def demand_std(demand):
    """Sample standard deviation of daily demand (0 with fewer than two days)."""
    count = len(demand)
    if count < 2:
        return 0.0
    total = sum(demand)
    # Σ(x − mean)² = Σx² − (Σx)² / n, summed in C: this runs for every line of every plan.
    return sqrt(max((sum(map(mul, demand, demand)) - total * total / count) / (count - 1), 0.0))


def demand_statistics(demand, method=None):
    """Daily rate, its variability and how the rate was forecast: what the policies need."""
    if not demand:
        return 0.0, 0.0, "no history"
    result = forecast(demand, method)
    return result.rate, demand_std(demand), result.label
