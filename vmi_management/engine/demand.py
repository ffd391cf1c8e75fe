"""The demand a line plans for, day by day: a statistical baseline, the customer's
forecast and planned events.

Three streams, kept apart so each can be explained and measured:

- the **baseline**, forecast from the history with the days it cannot be
  trusted on taken out: days out of stock (censored), days of past events
  and days the planner marked as outliers;
- the **customer's forecast**, quantities per day the customer sent, used
  instead of the baseline (``customer``) or averaged with it (``blend``)
  on the days it covers; beyond them, the baseline;
- **events** (promotions, openings, shutdowns), on top: a factor on the
  day's demand and an extra quantity spread over the event's days. An
  event is planned once: its days are out of the baseline's history, so
  the uplift is never counted again through the forecast afterwards.
"""

from dataclasses import dataclass
from itertools import accumulate
from statistics import StatisticsError, correlation

from .forecast import (
    DEFAULT_METHOD,
    Forecast,
    forecast,
    known,
    known_std,
    method_label,
)
from .frozen import frozen
from .i18n import _

CUSTOMER_METHODS = ("customer", "blend")
DEFAULT_BLEND_WEIGHT = 0.5
YEAR = 364  # 52 weeks: a year ago falls on the same day of the week
YEAR_BASE_DAYS = (
    28  # the weeks before "a year ago today" the season ahead is measured against
)
YEAR_WINDOW = 7  # days either side of a day a year ago, averaged
# the shortest history a yearly season is looked for in: a year and its base weeks
YEARLY_MIN_DAYS = YEAR + YEAR_BASE_DAYS
YEARLY_DAYS = 180  # how far ahead the yearly season is applied
# two years' four-week means must correlate this well for "auto" to see a season
YEARLY_CORRELATION = 0.5


@dataclass(frozen=True, slots=True)
class Event:
    """A planned event on a line: days counted from the decision day (0), negative in
    the past; ends included.

    ``quantity`` is the extra demand over the whole event, spread evenly
    over its days; ``factor`` multiplies the day's demand (1: unchanged,
    1.5: half as much again, 0: none, as in a shutdown).
    """

    name: str
    start: int
    end: int
    factor: float = 1.0
    quantity: float = 0.0

    @property
    def days(self):
        return self.end - self.start + 1

    def covers(self, day):
        return self.start <= day <= self.end

    def apply(self, day, demand):
        """Demand of ``day`` with the event's uplift."""
        return (
            demand * self.factor + self.quantity / self.days
            if self.covers(day)
            else demand
        )


def baseline_history(demand, censored=(), events=()):
    """``demand`` with the days the baseline must not learn from set to unknown (None).

    :param censored: indices of ``demand`` (out of stock, outliers)
    :param events: :class:`Event` s; their past days, counted back from the
                   day after the history, are left out
    """
    if not censored and not (events and any(event.start < 0 for event in events)):
        return tuple(demand)
    size = len(demand)
    hidden = {index for index in censored if 0 <= index < size}
    for event in events:
        hidden.update(
            size + day
            for day in range(event.start, min(event.end, -1) + 1)
            if 0 <= size + day
        )
    return tuple(
        None if index in hidden else value for index, value in enumerate(demand)
    )


@frozen
class Outlook:
    """Expected demand per day ahead, from its streams."""

    baseline: Forecast
    method: str
    customer: tuple = ()
    blend_weight: float = DEFAULT_BLEND_WEIGHT
    events: tuple = ()
    # the yearly season's factor of each day ahead (empty: none applies)
    yearly: tuple = ()
    # every day expects the first day's demand: a flat baseline and nothing else, as
    # on most lines (demand_outlook sees it once; the days are read one by one without)
    flat: bool = False

    def statistical(self, day):
        """The statistical forecast of ``day``: the baseline, times the yearly season
        where one applies."""
        if self.flat:
            return self.baseline.rate
        value = self.baseline.at(day)
        return value * self.yearly[day] if day < len(self.yearly) else value

    def base(self, day):
        """Demand of ``day`` before events: the customer's figure where the method uses
        it, else the baseline."""
        statistical = self.statistical(day)
        if not self.customer:  # most lines
            return statistical
        shared = self.customer[day] if day < len(self.customer) else None
        if shared is None or self.method not in CUSTOMER_METHODS:
            return statistical
        if self.method == "customer":
            return shared
        return self.blend_weight * shared + (1 - self.blend_weight) * statistical

    def at(self, day):
        if self.flat:
            return max(self.baseline.rate, 0.0)
        demand = self.base(day)
        for event in self.events:
            demand = event.apply(day, demand)
        return max(demand, 0.0)

    def total(self, days, start=0):
        """Expected demand from day ``start`` over ``days`` days (a fraction of a day
        counts in proportion)."""
        if days <= 0:
            return 0.0
        if self.flat:
            return self.baseline.rate * days
        whole = int(days)
        return sum(self.at(start + day) for day in range(whole)) + (
            days - whole
        ) * self.at(start + whole)

    def events_in(self, days):
        """The events that change demand within the next ``days`` days, with what each
        adds: ``[(event, qty)]``."""
        found = []
        for event in self.events:
            if event.start < days and event.end >= 0:
                covered = range(
                    max(event.start, 0), min(event.end + 1, int(days) + (days % 1 > 0))
                )
                extra = sum(
                    event.apply(day, self.base(day)) - self.base(day) for day in covered
                )
                found.append((event, extra))
        return found

    @property
    def label(self):
        """How the demand was forecast, in words: the method, its settings, and why it
        was chosen."""
        baseline = self.baseline
        statistical = method_label(
            baseline.method, baseline.params, baseline.holdout_error
        )
        if self.yearly:
            statistical += _(
                ", × yearly season (%(low)s–%(high)s over the next %(days)s days, "
                "from last year's demand)"
            ) % {
                "low": f"{min(self.yearly):.2f}",
                "high": f"{max(self.yearly):.2f}",
                "days": len(self.yearly),
            }
        if self.method in CUSTOMER_METHODS and self.customer:
            shared = sum(1 for value in self.customer if value is not None)
            if self.method == "customer":
                what = _("customer forecast")
            else:
                what = _("blend of %(weight)s customer forecast") % {
                    "weight": f"{self.blend_weight:.0%}"
                }
            return _("%(what)s (%(shared)s days shared), else %(statistical)s") % {
                "what": what,
                "shared": shared,
                "statistical": statistical,
            }
        return statistical


def yearly_season(history, method, days=YEARLY_DAYS):
    """The yearly season's factor for each of the next ``days`` days, from the same days
    a year (or two) ago.

    A day's factor is the demand around it a year earlier (± a week) over
    the demand of the four weeks before "a year ago today": how much busier
    that time of year was than this one. The baseline follows today's
    level; the factor carries it through the season. With two years, the
    factors of both are averaged.

    It applies with at least a year and four weeks of history, and only
    where it is wanted: ``holt_winters`` asks for the seasons; ``auto`` sees
    a yearly season only with two years whose four-week means correlate
    (a season that comes back), since last year's noise read as a season
    forecasts worse than none.

    :returns: tuple of factors, or ``()`` when no yearly season applies
    """
    size = len(history)
    if size < YEARLY_MIN_DAYS or method not in ("auto", "holt_winters"):
        return ()
    if method == "auto" and not _season_comes_back(history):
        return ()
    totals = [0.0, *accumulate(value or 0.0 for value in history)]
    counts = [0, *accumulate(value is not None for value in history)]

    def mean(start, end):
        start, end = max(start, 0), min(end, size)
        count = counts[end] - counts[start] if end > start else 0
        return (totals[end] - totals[start]) / count if count >= YEAR_WINDOW else None

    years = [back for back in (YEAR, 2 * YEAR) if size >= back + YEAR_BASE_DAYS]
    bases = {back: mean(size - back - YEAR_BASE_DAYS, size - back) for back in years}
    factors = []
    for day in range(days):
        ratios = [
            around / bases[back]
            for back in years
            if bases[back]
            and (
                around := mean(
                    size - back + day - YEAR_WINDOW, size - back + day + YEAR_WINDOW + 1
                )
            )
            is not None
        ]
        factors.append(sum(ratios) / len(ratios) if ratios else 1.0)
    return tuple(factors) if any(abs(factor - 1.0) > 1e-9 for factor in factors) else ()


def _season_comes_back(history):
    """Whether the last two years' four-week mean demands rise and fall together."""
    if len(history) < 2 * YEAR:
        return False
    size = len(history)
    blocks = [
        known(history[size - end : size - end + YEAR_BASE_DAYS])
        for end in range(2 * YEAR, 0, -YEAR_BASE_DAYS)
    ]
    means = [sum(block) / len(block) if block else 0.0 for block in blocks]
    half = len(means) // 2
    try:
        return correlation(means[:half], means[half:]) >= YEARLY_CORRELATION
    except StatisticsError:  # a flat year: no season
        return False


def demand_outlook(line):
    """The :class:`Outlook` of a :class:`~.types.LineInput`, and what its baseline
    learnt from.

    ``customer`` and ``blend`` forecast the baseline automatically beyond
    the customer's days.

    :returns: ``(outlook, std, known days, days left out)``: the variability
              and the count of the days the baseline learnt from, and of the
              known days it did not (out of stock, outliers, events)
    """
    history = baseline_history(line.demand, line.censored, line.events)
    # One pass, on every line of a plan, both sums the history and finds whether every
    # day is known: sum() stops at an unknown day (None).
    try:
        total, values = sum(history), history
    except TypeError:
        values = known(history)
        total = sum(values)
    days = len(values)
    if history is line.demand:  # no day left out
        observed = days
    else:
        observed = len(known(line.demand)) if None in line.demand else len(line.demand)
    method = line.forecast_method or DEFAULT_METHOD
    statistical = "auto" if method in CUSTOMER_METHODS else method
    baseline = (
        forecast(history, statistical, values is history)
        if days
        else Forecast.make("no history", 0.0)
    )
    customer, events = tuple(line.customer_forecast), tuple(line.events)
    # most histories are too short for a yearly season: no call to find so
    yearly = (
        yearly_season(history, statistical) if len(history) >= YEARLY_MIN_DAYS else ()
    )
    outlook = Outlook.make(
        baseline,
        method,
        customer,
        line.blend_weight,
        events,
        yearly,
        baseline.is_flat and not (customer or events or yearly),
    )
    return outlook, known_std(values, total), days, observed - days
