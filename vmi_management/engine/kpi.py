"""Performance indicators both parties review, computed from daily history.

All take plain sequences (one value per day unless said otherwise) and
return None where the measure is undefined rather than a misleading zero.
"""
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
    """Days out of stock: on hand at or below zero, or demand not fully served that day."""
    unmet = [d - s > 1e-9 for d, s in zip(demanded, served)] if demanded is not None and served is not None else []
    return sum(1 for day, level in enumerate(on_hand) if level <= 0 or (unmet and unmet[day]))


def forecast_accuracy(actual, forecast):
    """1 − WAPE (so 1.0 is perfect), with the bias beside it: ``(accuracy, bias)``."""
    error = wape(actual, forecast)
    return (None if error is None else 1.0 - error), bias(actual, forecast)


def bullwhip_ratio(orders, demand):
    """Variance of orders ÷ variance of demand: above 1, ordering amplifies demand swings."""
    if len(orders) < 2 or len(demand) < 2:
        return None
    demand_variance = pvariance(demand)
    return pvariance(orders) / demand_variance if demand_variance else None
