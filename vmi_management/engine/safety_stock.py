"""Safety stock: a fixed quantity, days of cover, or sized for a target service
level."""

from functools import lru_cache
from math import sqrt
from statistics import NormalDist

from .formatting import format_number
from .i18n import _


@lru_cache(maxsize=256)
def service_factor(service_level):
    """z such that P(Normal(0, 1) ≤ z) = service level (0.95 → 1.645)."""
    return NormalDist().inv_cdf(service_level)


def statistical_safety_stock(
    service_level, demand_rate, demand_std, lead_time, lead_time_std
):
    """z × sqrt(LT × σd² + d² × σLT²).

    Covers demand variability over the lead time and lead-time variability at
    the mean demand, both measured from history, for the target service level.
    """
    return max(service_factor(service_level), 0.0) * sqrt(
        lead_time * demand_std**2 + demand_rate**2 * lead_time_std**2
    )


def safety_stock(
    mode, value, service_level, demand_rate, demand_std, lead_time, lead_time_std
):
    """Safety stock for a line and a note saying how it was sized.

    :param mode: ``"fixed"`` (``value`` is a quantity), ``"days"`` (``value``
        days of expected demand), ``"service_level"`` (statistical) or None.
    :returns: ``(quantity, note)``
    """
    if mode == "fixed":
        return float(value or 0.0), _("fixed quantity")
    if mode == "days":
        days = value or 0.0
        return (
            days * demand_rate,
            _("%(days)s days of cover × %(rate)s/day")
            % {"days": format_number(days), "rate": format_number(demand_rate)},
        )
    if mode == "service_level":
        quantity = statistical_safety_stock(
            service_level, demand_rate, demand_std, lead_time, lead_time_std
        )
        return quantity, _(
            "z(%(level)s) = %(z)s × √(LT %(lead_time)s × σd %(demand_std)s² "
            "+ d %(rate)s² × σLT %(lead_time_std)s²)"
        ) % {
            "level": format_number(service_level),
            "z": format_number(service_factor(service_level)),
            "lead_time": format_number(lead_time),
            "demand_std": format_number(demand_std),
            "rate": format_number(demand_rate),
            "lead_time_std": format_number(lead_time_std),
        }
    return 0.0, _("none")
