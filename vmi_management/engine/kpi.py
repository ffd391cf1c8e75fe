"""Performance indicators both parties review, computed from daily history.

All take plain sequences (one value per day unless said otherwise) and
return None where the measure is undefined rather than a misleading zero.
"""

from dataclasses import dataclass
from statistics import pvariance

from .accuracy import bias, wape

DAYS_PER_YEAR = 365


def fill_rate(demanded, served):
    """Share of the demanded quantity served from stock: Σ served ÷ Σ demanded."""
    total = sum(demanded)
    return sum(served) / total if total else None


def inventory_turnover(consumed, on_hand, annualize=True):
    """Consumption over the period ÷ average on hand; per year when ``annualize``.

    :param consumed: daily consumption; :param on_hand: daily on-hand levels
    """
    days = len(on_hand)
    average = sum(on_hand) / days if days else 0.0
    if not average:
        return None
    turns = sum(consumed) / average
    return turns * DAYS_PER_YEAR / days if annualize else turns


def days_of_supply(on_hand, daily_demand):
    """How many days ``on_hand`` lasts at ``daily_demand`` (None without demand)."""
    return on_hand / daily_demand if daily_demand else None


def average_days_of_supply(on_hand, demand):
    """Average on hand ÷ average daily demand over the period."""
    if not on_hand or not demand:
        return None
    return days_of_supply(sum(on_hand) / len(on_hand), sum(demand) / len(demand))


def stockout_days(on_hand, demanded=None, served=None):
    """Days out of stock: on hand at or below zero, or demand not fully served that
    day."""
    unmet = (
        [d - s > 1e-9 for d, s in zip(demanded, served, strict=False)]
        if demanded is not None and served is not None
        else []
    )
    return sum(
        1 for day, level in enumerate(on_hand) if level <= 0 or (unmet and unmet[day])
    )


def forecast_accuracy(actual, forecast):
    """1 − WAPE (so 1.0 is perfect), with the bias beside it: ``(accuracy, bias)``."""
    error = wape(actual, forecast)
    return (None if error is None else 1.0 - error), bias(actual, forecast)


def bullwhip_ratio(orders, demand):
    """Variance of orders ÷ variance of demand: above 1, ordering amplifies demand
    swings."""
    if len(orders) < 2 or len(demand) < 2:
        return None
    demand_variance = pvariance(demand)
    return pvariance(orders) / demand_variance if demand_variance else None


@dataclass(frozen=True)
class LinePeriod:
    """One line over a review period, summed up: what the agreement's scorecard adds
    together."""

    consumed: float  # consumption over the period
    average_on_hand: (
        float  # average of the daily on-hand levels observed (None: none observed)
    )
    on_hand: float  # the current level
    stockout_days: int  # observed days with nothing on hand
    demand_rate: float  # current daily demand


def summarize(consumed, on_hand, demand_rate):
    """A :class:`LinePeriod` from daily series: consumption and observed on-hand levels,
    oldest first."""
    return LinePeriod(
        consumed=sum(consumed),
        average_on_hand=sum(on_hand) / len(on_hand) if on_hand else None,
        on_hand=on_hand[-1] if on_hand else 0.0,
        stockout_days=sum(1 for level in on_hand if level <= 0),
        demand_rate=demand_rate,
    )


TOTAL_KEYS = (
    "consumed",
    "demand_rate",
    "observed",
    "unmet",
    "average_on_hand",
    "on_hand",
    "stockout_days",
)


def scorecard_totals(lines):
    """The sums a scorecard is made of, from a :class:`LinePeriod` per line.

    Sums add up: the totals of two sets of lines, added key by key
    (:func:`add_totals`), are those of both together, so an agreement
    evaluated in several steps gets the scorecard of all its lines without
    any step holding them all.
    """
    totals = dict.fromkeys(TOTAL_KEYS, 0.0)
    for line in lines:
        totals["consumed"] += line.consumed
        totals["demand_rate"] += line.demand_rate
        if line.average_on_hand is not None:
            totals["observed"] += 1
            totals["unmet"] += line.stockout_days * line.demand_rate
            totals["average_on_hand"] += line.average_on_hand
            totals["on_hand"] += line.on_hand
            totals["stockout_days"] += line.stockout_days
    return totals


def add_totals(*totals):
    """Key by key sum of :func:`scorecard_totals` results (missing keys count 0)."""
    return {key: sum(part.get(key, 0.0) for part in totals) for key in TOTAL_KEYS}


def scorecard(lines, period_days, annualize=True):
    """The KPIs of an agreement over a period, from a :class:`LinePeriod` per line.

    :returns: dict with

        - ``fill_rate``: consumption ÷ demand, where demand is the consumption
          plus, for each day a line was out of stock, its daily demand rate
          (what could not be served);
        - ``inventory_turns``: consumption ÷ average on hand, per year when
          ``annualize``;
        - ``days_of_supply``: current on hand ÷ current daily demand;
        - ``stockout_days``: line-days with nothing on hand.

        Each is None where undefined (no demand, no stock observed).
    """
    return scorecard_from_totals(scorecard_totals(lines), period_days, annualize)


def scorecard_from_totals(totals, period_days, annualize=True):
    """:func:`scorecard` from the sums of its lines (:func:`scorecard_totals`)."""
    consumed, average_on_hand = totals["consumed"], totals["average_on_hand"]
    observed = totals["observed"]
    turns = None
    if average_on_hand > 0 and period_days:
        turns = (
            consumed
            / average_on_hand
            * (DAYS_PER_YEAR / period_days if annualize else 1.0)
        )
    return {
        "fill_rate": fill_rate([consumed + totals["unmet"]], [consumed]),
        "inventory_turns": turns,
        "days_of_supply": days_of_supply(totals["on_hand"], totals["demand_rate"])
        if observed
        else None,
        "stockout_days": int(totals["stockout_days"]) if observed else None,
    }


def on_time_rate(cycle_days, target_days):
    """Share of replenishments delivered within the agreed order cycle time (None
    without any)."""
    cycle_days = list(cycle_days)
    if not cycle_days:
        return None
    return sum(1 for days in cycle_days if days <= target_days + 1e-9) / len(cycle_days)
