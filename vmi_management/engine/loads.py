"""Building one site's delivery to the agreed load limits: a minimum worth sending, a
maximum a truck takes.

A delivery below the minimum (order value or weight) is topped up: the site's lines
closest to running out (the smallest projected days of supply after their own order;
lines without demand after those, the least full against their target first) are pulled
forward a pack at a time, each pack going to the line with the least cover then, until
the minimum is reached. Lines with no order of their own start at their MOQ; no line
goes past its target level (the order it would place at its trigger) or its room. When
even that cannot reach the minimum (every line at its capacity or the maximum in the
way, or more than ``MAX_PACKS`` packs away), the delivery is held and says why. A
delivery over the maximum (weight, volume or pallet places) is trimmed: the line with
the most cover gives up a pack at a time (a line that would fall below its MOQ gives up
all of it) until it fits, or is held when ``MAX_PACKS`` packs are not enough. Every line
that changed says so, with the figures.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from math import inf

from .formatting import format_number, format_qty
from .i18n import _
from .policies import _clean, round_up
from .types import Step

# packs pulled forward one by one before the delivery is held as out of reach
MAX_PACKS = 10_000
# a delivery's measures as the notes name them, translated when a note is written
MEASURES = {
    "value": lambda: _("value"),
    "weight": lambda: _("weight"),
    "volume": lambda: _("volume"),
    "pallets": lambda: _("pallets"),
}


@dataclass(frozen=True, slots=True)
class LoadLine:
    """One line of a site's delivery: its order, its urgency, and what a unit weighs,
    takes and is worth."""

    key: Hashable
    order_qty: float
    position: float = 0.0
    rate: float = 0.0
    target: float = (
        0.0  # the line's target level, how full it is when it has no demand to judge by
    )
    value: float = 0.0
    weight: float = 0.0
    volume: float = 0.0
    pallets: float = 0.0  # pallet places a unit takes (1 / units per pallet)
    moq: float | None = None
    multiple: float | None = None
    room: float | None = None  # most the line may order (capacity); None: no limit
    rounding: float | None = None  # the rounding of the line's unit, for its note


@dataclass(frozen=True, slots=True)
class LoadLimits:
    """The limits of one delivery; None: no limit."""

    min_value: float | None = None
    min_weight: float | None = None
    max_weight: float | None = None
    max_volume: float | None = None
    max_pallets: float | None = None


def _totals(lines, quantities):
    return {
        measure: sum(getattr(line, measure) * quantities[line.key] for line in lines)
        for measure in ("value", "weight", "volume", "pallets")
    }


def _below_minimum(totals, limits):
    return (
        limits.min_value is not None and totals["value"] < limits.min_value - 1e-9
    ) or (limits.min_weight is not None and totals["weight"] < limits.min_weight - 1e-9)


def _over_maximum(totals, limits):
    return any(
        limit is not None and totals[measure] > limit + 1e-9
        for measure, limit in (
            ("weight", limits.max_weight),
            ("volume", limits.max_volume),
            ("pallets", limits.max_pallets),
        )
    )


def _cover(line, quantity):
    """How long the line lasts with ``quantity`` more: projected days of supply; without
    demand, after all lines with demand, by how full it is against its target level."""
    if line.rate > 0:
        return (line.position + quantity) / line.rate, 0.0
    return inf, (line.position + quantity) / line.target if line.target > 0 else inf


def _describe(totals, limits):
    """The delivery's figures that a limit is set on: "value 480, weight 96.5"."""
    limited = {
        "value": (limits.min_value,),
        "weight": (limits.min_weight, limits.max_weight),
        "volume": (limits.max_volume,),
        "pallets": (limits.max_pallets,),
    }
    return ", ".join(
        f"{MEASURES[measure]()} {format_number(totals[measure])}"
        for measure, bounds in limited.items()
        if any(bound is not None for bound in bounds)
    )


def build_load(lines, limits):
    """The quantities of one delivery within ``limits``.

    :returns: ``({key: quantity}, {key: note on what changed}, held)``, where
              ``held`` says why the delivery is held (every quantity 0), or is ""
    """
    quantities = {line.key: max(line.order_qty, 0.0) for line in lines}
    notes = {}
    if not any(quantities.values()):
        return quantities, notes, ""
    if _below_minimum(_totals(lines, quantities), limits):
        _pull_forward(lines, limits, quantities, notes)
        if _below_minimum(totals := _totals(lines, quantities), limits):
            return _held(
                quantities, totals, limits, "min", _("with every line at its limit")
            )
    if _over_maximum(_totals(lines, quantities), limits):
        _trim(lines, limits, quantities, notes)
        if _over_maximum(totals := _totals(lines, quantities), limits):
            return _held(
                quantities,
                totals,
                limits,
                "max",
                _("after %(packs)s packs were taken off") % {"packs": MAX_PACKS},
            )
    return quantities, notes, ""


def _held(quantities, totals, limits, side, circumstance):
    """Nothing ordered, and why: the delivery cannot be brought within its ``side``
    limit."""
    if side == "min":
        held = _(
            "held: the delivery (%(totals)s) stays below its minimum (%(limits)s) "
            "%(why)s"
        )
    else:
        held = _(
            "held: the delivery (%(totals)s) stays over its maximum (%(limits)s) "
            "%(why)s"
        )
    values = {
        "totals": _describe(totals, limits),
        "limits": _limits_text(limits, side),
        "why": circumstance,
    }
    return dict.fromkeys(quantities, 0.0), {}, held % values


def _limits_text(limits, side):
    names = {
        "min": (("min_value", "value"), ("min_weight", "weight")),
        "max": (
            ("max_weight", "weight"),
            ("max_volume", "volume"),
            ("max_pallets", "pallets"),
        ),
    }[side]
    return ", ".join(
        f"{MEASURES[label]()} {format_number(getattr(limits, name))}"
        for name, label in names
        if getattr(limits, name) is not None
    )


def _pull_forward(lines, limits, quantities, notes):
    """Add a pack at a time to the line with the least cover until the minimum is
    reached."""
    added = dict.fromkeys(quantities, 0.0)
    totals = _totals(lines, quantities)
    for __ in range(MAX_PACKS):
        # only a line that adds to a measure still short of its minimum helps
        helps = [
            measure
            for measure, minimum in (
                ("value", limits.min_value),
                ("weight", limits.min_weight),
            )
            if minimum is not None and totals[measure] < minimum - 1e-9
        ]
        best = None
        for line in lines:
            if not any(getattr(line, measure) > 0 for measure in helps):
                continue
            current = quantities[line.key]
            step = (
                (line.multiple or 1.0)
                if current
                else round_up(max(line.moq or 0.0, line.multiple or 1.0), line.multiple)
            )
            if current + step > _ceiling(line) + 1e-9:
                continue
            if _over_maximum(_plus(totals, line, step), limits):
                continue
            urgency = _cover(line, current)
            if best is None or urgency < best[0]:
                best = (urgency, line, step)
        if best is None:
            break
        __, line, step = best
        quantities[line.key] = _clean(quantities[line.key] + step)
        added[line.key] += step
        totals = _plus(totals, line, step)
        if not _below_minimum(totals, limits):
            break
    reached = _describe(totals, limits)
    for line in lines:
        if quantity := added[line.key]:
            notes[line.key] = _(
                "pulled forward %(quantity)s so the delivery reaches its minimum "
                "(%(limits)s): now %(reached)s"
            ) % {
                "quantity": format_qty(quantity, line.rounding),
                "limits": _limits_text(limits, "min"),
                "reached": reached,
            }


def _ceiling(line):
    """The most a line may be pulled forward to: up to its target level (in whole packs,
    at least its MOQ), never past its room; a line without a target level only keeps its
    own order."""
    ceiling = line.order_qty
    if line.target > 0:
        ceiling = max(
            ceiling,
            round_up(max(line.target - line.position, line.moq or 0.0), line.multiple),
        )
    return (
        ceiling if line.room is None else min(ceiling, max(line.room, line.order_qty))
    )


def _plus(totals, line, quantity):
    """The delivery's totals with ``quantity`` more (or less) of ``line``."""
    return {
        measure: total + getattr(line, measure) * quantity
        for measure, total in totals.items()
    }


def _trim(lines, limits, quantities, notes):
    """Take a pack at a time from the line with the most cover until the delivery fits
    its maximum."""
    removed = dict.fromkeys(quantities, 0.0)
    totals = _totals(lines, quantities)
    for __ in range(MAX_PACKS):
        if not _over_maximum(totals, limits):
            break
        ordered = [line for line in lines if quantities[line.key] > 0]
        if not ordered:
            break
        line = max(
            ordered, key=lambda candidate: _cover(candidate, quantities[candidate.key])
        )
        current = quantities[line.key]
        remaining = current - (line.multiple or 1.0)
        if remaining < (line.moq or 0.0) - 1e-9 or remaining < 1e-9:
            remaining = 0.0
        quantities[line.key] = _clean(remaining)
        removed[line.key] += current - remaining
        totals = _plus(totals, line, remaining - current)
    fitted = _describe(totals, limits)
    for line in lines:
        if quantity := removed[line.key]:
            notes[line.key] = _(
                "trimmed by %(quantity)s so the delivery fits its maximum "
                "(%(limits)s): now %(fitted)s"
            ) % {
                "quantity": format_qty(quantity, line.rounding),
                "limits": _limits_text(limits, "max"),
                "fitted": fitted,
            }


def apply_load(decision, quantity, note, held):
    """The decision with the order its delivery's load building gave it, and why;
    unchanged if untouched."""
    if held:
        return decision.adjusted(
            0.0, Step(_("load building"), 0.0, held), ("load_held",)
        )
    if not note:
        return decision
    return decision.adjusted(
        quantity, Step(_("load building"), quantity, note), ("load_adjusted",)
    )
