"""Projected stock of one line, day by day: how a planner sees a stockout coming.

From the stock available today (on hand − committed), each day adds what is expected to
arrive (open transfers and shipments on their expected day, the open proposal on its
planned day) and takes the day's forecast demand (the same outlook the decision plans
with: baseline, customer forecast and events). Stock on the shelf cannot go below zero:
demand beyond it is a shortage, shown on its day.

Each day carries the thresholds the policy holds the stock against: min and max,
s and s + Q, or, for days of supply, the reorder point and order-up-to level of that
day (the demand over the lead time and over the cover from that day on, plus the
safety stock), so a coming promotion raises them before it starts.

The horizon is what one decision has to cover: the lead time (the next delivery day,
where the site has a calendar) and then the review period, or for days of supply its
target days (or the delivery after next)."""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from .demand import demand_outlook
from .formatting import format_qty
from .policies import plan_line
from .types import LineInput

MIN_HORIZON_DAYS = 7
MAX_HORIZON_DAYS = 120
_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class Receipt:
    """A quantity expected at the site on a day; ``label`` names it (a transfer, an
    order)."""

    day: date
    quantity: float
    label: str = ""


@dataclass(frozen=True, slots=True)
class ProjectionRow:
    """One day of the projection. ``end`` = max(``start`` + ``incoming`` −
    ``demand``, 0)."""

    day: date
    start: float
    demand: float
    incoming: float
    end: float
    shortage: float
    min: float
    max: float
    events: str = ""

    def to_dict(self):
        data = {name: getattr(self, name) for name in self.__slots__}
        data["day"] = self.day.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class Projection:
    """The rows of a line's projection, and the first day the stock falls below min /
    runs out (or None)."""

    rows: tuple
    first_below_min: date | None = None
    first_stockout: date | None = None

    @property
    def horizon_days(self):
        return len(self.rows)


def horizon_days(line: LineInput, review_days: float = 1.0) -> int:
    """Days a projection covers: the lead time, then the review period, or the cover a
    days-of-supply line orders for; at least a week."""
    lead_time = (
        line.delivery_days[0] if line.delivery_days else line.effective_lead_time
    )
    if line.policy == "days_of_supply":
        cover = line.target_days or 0.0
        if len(line.delivery_days) > 1:
            cover = max(cover, line.delivery_days[1] - lead_time)
    else:
        cover = review_days or 0.0
    return min(
        max(ceil(round(lead_time + cover, _DECIMALS)), MIN_HORIZON_DAYS),
        MAX_HORIZON_DAYS,
    )


def project_stock(
    line: LineInput,
    start: date,
    receipts=(),
    review_days: float = 1.0,
    days: int | None = None,
) -> Projection:
    """Project ``line``'s stock from ``start`` (its day 0) over ``days`` days (default
    :func:`horizon_days`).

    :param receipts: :class:`Receipt` s; one dated before ``start`` (late) is expected
        on day 0, one after the horizon is left out
    :param review_days: days between two reviews of the agreement"""
    days = days if days is not None else horizon_days(line, review_days)
    outlook = demand_outlook(line)[0]
    decision = plan_line(line, start)
    lead_time = decision.lead_time_days
    cover = lead_time + (line.target_days or 0.0)
    if len(line.delivery_days) > 1:
        cover = max(cover, line.delivery_days[1])
    incoming, labels = [0.0] * days, [[] for __ in range(days)]
    for receipt in receipts:
        offset = max((receipt.day - start).days, 0)
        if offset < days:
            incoming[offset] += receipt.quantity
            if receipt.label:
                labels[offset].append(
                    f"{receipt.label} +{format_qty(receipt.quantity, line.rounding)}"
                )
    rows, below_min, stockout = [], None, None
    stock = max(line.on_hand - line.committed, 0.0)
    for offset in range(days):
        day = start + timedelta(days=offset)
        demand = _round(outlook.at(offset))
        low, high = _levels(line, outlook, decision, offset, lead_time, cover)
        arriving = _round(incoming[offset])
        end = _round(stock + arriving - demand)
        shortage = _round(max(-end, 0.0))
        end = max(end, 0.0)
        names = [event.name for event in outlook.events if event.covers(offset)]
        rows.append(
            ProjectionRow(
                day,
                _round(stock),
                demand,
                arriving,
                end,
                shortage,
                low,
                high,
                "; ".join(names + labels[offset]),
            )
        )
        if below_min is None and end < low:
            below_min = day
        if stockout is None and end <= 0:
            stockout = day
        stock = end
    return Projection(tuple(rows), below_min, stockout)


def _levels(line, outlook, decision, offset, lead_time, cover):
    """The policy's (min, max) on day ``offset``: fixed for min/max and (s, Q); for
    days of supply, the demand over the lead time and over the cover (lead time +
    target days) from that day, plus the decision's safety stock."""
    if line.policy != "days_of_supply":
        return _round(decision.trigger_level), _round(decision.target_level)
    safety = decision.safety_stock
    low = outlook.total(lead_time, start=offset) + safety
    high = outlook.total(cover, start=offset) + safety
    return _round(low), _round(high)


def _round(value):
    return round(value, _DECIMALS) + 0.0
