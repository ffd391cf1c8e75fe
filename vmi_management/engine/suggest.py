"""Threshold suggestions from history, lead time and target service level.

A suggestion never changes the line: it is a proposal with its reasoning,
which the vendor reviews and accepts (or not).
"""

from dataclasses import dataclass, replace
from math import ceil

from .demand import baseline_history
from .forecast import auto, demand_std, known
from .formatting import format_number, format_qty
from .i18n import _
from .policies import round_up
from .safety_stock import statistical_safety_stock
from .types import Step

DEFAULT_SERVICE_LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Suggested thresholds for one line, and how they were reached."""

    product: object
    location: object
    policy: str
    demand_rate: float
    demand_std: float
    safety_stock: float
    reorder_point: float
    min_qty: float | None
    max_qty: float | None
    order_qty: float | None
    target_days: float | None
    forecast_method: str
    holdout_error: float | None
    steps: tuple

    def to_dict(self):
        return {
            name: getattr(self, name) for name in self.__slots__ if name != "steps"
        } | {"steps": [step.to_dict() for step in self.steps]}


def suggest_thresholds(line, review_days=1.0):
    """Suggest the thresholds of ``line``'s policy from its demand history.

    - demand: the forecast method with the lowest holdout error (``auto``),
      on the days the baseline can learn from (no stockout, outlier or
      event day: a stockout must not lower the next thresholds);
    - safety stock: z × sqrt(LT × σd² + d² × σLT²) at the line's service
      level (95 % when it has none);
    - reorder point: lead-time demand + safety stock, rounded up to a unit;
    - cycle stock: demand over the review period, at least the MOQ, rounded
      up to the pack multiple (or the unit): it is what one order should bring;
    - min/max: min = reorder point, max = min + cycle stock; reorder point
      (s, Q): Q = cycle stock; days of supply: target days = review period.

    :param review_days: days between two reviews (the replenishment frequency)
    """
    lead_time = line.lead_time_days + line.lead_time_buffer_days
    history = baseline_history(line.demand, line.censored, line.events)
    chosen = auto(history)
    rate, std = chosen.rate, demand_std(history)
    service_level = line.service_level or DEFAULT_SERVICE_LEVEL
    # the buffer lengthens the demand planned over; variability is measured on the lead
    # time itself
    safety = statistical_safety_stock(
        service_level, rate, std, line.lead_time_days, line.lead_time_std_days
    )
    reorder_point = ceil(round(rate * lead_time + safety, 9))
    pack = line.multiple or line.rounding or 1.0
    cycle = round_up(max(rate * review_days, line.moq or 0.0, pack), pack)

    def qty(number):
        return format_qty(number, line.rounding)

    steps = [
        Step(_("demand rate"), round(rate, 6), _rate_note(chosen, history)),
        Step(
            _("demand variability"),
            round(std, 6),
            _("standard deviation of daily demand"),
        ),
        Step(
            _("lead time"),
            lead_time,
            _("± %(days)s days") % {"days": format_number(line.lead_time_std_days)},
        ),
        Step(
            _("safety stock"),
            round(safety, 6),
            _("service level %(level)s") % {"level": format_number(service_level)},
        ),
        Step(
            _("reorder point"),
            reorder_point,
            _("%(rate)s/day × %(days)s days + safety stock, rounded up")
            % {"rate": format_number(rate), "days": format_number(lead_time)},
        ),
        Step(
            _("cycle stock"),
            cycle,
            _("%(days)s days of demand, at least the MOQ, in whole packs")
            % {"days": format_number(review_days)},
        ),
    ]
    suggestion = dict(min_qty=None, max_qty=None, order_qty=None, target_days=None)
    if line.policy == "min_max":
        suggestion.update(
            min_qty=float(reorder_point), max_qty=float(reorder_point + cycle)
        )
        steps.append(
            Step(
                _("min / max"),
                f"{qty(reorder_point)} / {qty(reorder_point + cycle)}",
                _("min = reorder point; max = min + cycle stock"),
            )
        )
    elif line.policy == "reorder_point":
        suggestion.update(order_qty=float(cycle))
        steps.append(
            Step(
                _("reorder point / order qty"),
                f"{qty(reorder_point)} / {qty(cycle)}",
                _("Q = cycle stock"),
            )
        )
    else:
        suggestion.update(target_days=float(review_days))
        steps.append(
            Step(
                _("target days"),
                review_days,
                _("cover the demand until the next review"),
            )
        )
    return Suggestion(
        product=line.product,
        location=line.location,
        policy=line.policy,
        demand_rate=rate,
        demand_std=std,
        safety_stock=safety,
        reorder_point=float(reorder_point),
        forecast_method=chosen.method,
        holdout_error=chosen.holdout_error,
        steps=tuple(steps),
        **suggestion,
    )


def _rate_note(chosen, history):
    """The forecast the suggestion rests on, over how many days, and its holdout
    error."""
    note = _("%(method)s over %(days)s days") % {
        "method": chosen.label,
        "days": len(known(history)),
    }
    if chosen.holdout_error is not None:
        note += _(", holdout RMSSE %(error)s") % {
            "error": format_number(chosen.holdout_error)
        }
    return note


def apply_suggestion(line, suggestion):
    """``line`` with the suggested thresholds in place of its own (for simulation or
    acceptance)."""
    changes = {
        name: getattr(suggestion, name)
        for name in ("min_qty", "max_qty", "order_qty", "target_days")
        if getattr(suggestion, name) is not None
    }
    if line.policy == "reorder_point":
        changes["reorder_point"] = suggestion.reorder_point
    return replace(line, **changes)
