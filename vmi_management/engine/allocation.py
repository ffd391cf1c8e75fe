"""Sharing a short supply among the lines that need it: priority tiers, then fair share.

When the vendor's warehouse cannot ship everything the due lines need, the
quantity it can commit (its available-to-promise, :func:`available_to_promise`)
is allocated:

1. by priority tier: a tier is served in full before the next one gets
   anything (tier 0 first);
2. within the tier that cannot be served in full, by fair share:

   - ``days_of_supply`` (the default): every line is brought to the same
     projected days of supply, (position + allotted) / daily demand, so the
     stock runs out everywhere at the same time; lines without demand come
     after those with demand;
   - ``fraction``: every line gets the same fraction of its need;

3. in whole pack multiples and never below a line's minimum order quantity:
   a line whose share falls below its MOQ gets nothing and is flagged, and
   what rounding leaves over goes, a pack at a time, to the line with the
   lowest projected cover that can take it.

When the supply covers every need, every line gets its need and nothing else
changes. Every allotment says, in a planner's words, what happened.
"""

import heapq
from bisect import bisect_left
from collections.abc import Hashable
from dataclasses import dataclass, replace
from math import ceil, inf

from .formatting import format_number, format_qty
from .i18n import _
from .policies import _clean, round_down, round_up
from .types import Step

FAIR_SHARE_MODES = ("days_of_supply", "fraction")


@dataclass(frozen=True, slots=True)
class Claim:
    """What one line asks of a supply pool: its decided order quantity and what makes it
    urgent."""

    key: Hashable
    need: float
    position: float = 0.0
    rate: float = 0.0
    tier: int = 0
    moq: float | None = None
    multiple: float | None = None
    rounding: float | None = None  # the rounding of the line's unit, for the notes


@dataclass(frozen=True, slots=True)
class Allotment:
    """How much of its need a line gets, and why."""

    key: Hashable
    need: float
    allotted: float
    tier: int
    supply: float
    demand: float
    note: str = ""
    flags: tuple = ()

    @property
    def short(self):
        return _clean(self.need - self.allotted)

    @property
    def step(self):
        """The allocation as a step of the line's explanation."""
        return Step(_("after allocation"), self.allotted, self.note)


def largest_order(
    policy, max_qty=None, reorder_point=None, order_qty=None, moq=None, multiple=None
):
    """The most a line can order while its inventory position is not negative; None
    where no threshold bounds it (days of supply follows demand).

    Lets a run find, before deciding anything, the pools no line can make short.
    """
    if policy == "min_max":
        largest = max_qty or 0.0
    elif policy == "reorder_point":
        largest = (
            max(ceil(round((reorder_point or 0.0) / order_qty, 9)), 1) * order_qty
            if order_qty
            else 0.0
        )
    else:
        return None
    return round_up(max(largest, moq or 0.0), multiple)


def apply_allotment(decision, allotment):
    """The decision with its order cut to the allotment, the allocation as its last step
    and in its reason.

    A decision whose pool was not short comes back as it is.
    """
    if not allotment.note:
        return decision
    return replace(
        decision.adjusted(allotment.allotted, allotment.step, allotment.flags),
        unallocated_qty=allotment.short,
    )


def available_to_promise(on_hand, moves, ship_date):
    """What can be promised for shipment on ``ship_date`` without starving a later
    commitment.

    :param on_hand: the free stock now
    :param moves: ``[(date, signed quantity)]``: receipts positive, other
                  commitments (deliveries, reservations) negative, each on
                  the day it is due; overdue ones count as due now
    :returns: the lowest projected stock from ``ship_date`` on (never below 0)
    """
    projected = on_hand
    lowest = inf
    for day, quantity in sorted(moves, key=lambda move: move[0]):
        if day > ship_date and projected < lowest:
            lowest = projected
        projected += quantity
    return max(_clean(min(lowest, projected)), 0.0)


def allocate(supply, claims, mode="days_of_supply"):
    """Share ``supply`` among ``claims``; one :class:`Allotment` per claim, in their
    order."""
    if mode not in FAIR_SHARE_MODES:
        raise ValueError(
            f"unknown fair share mode {mode!r}: "
            f"expected one of {', '.join(FAIR_SHARE_MODES)}"
        )
    supply = max(supply, 0.0)
    demand = _clean(sum(claim.need for claim in claims if claim.need > 0))
    if demand <= supply:
        return [
            Allotment(
                claim.key, claim.need, max(claim.need, 0.0), claim.tier, supply, demand
            )
            for claim in claims
        ]
    allotted, flags = {}, {}
    left = supply
    short_tier = None
    for tier in sorted({claim.tier for claim in claims}):
        members = [claim for claim in claims if claim.tier == tier and claim.need > 0]
        wanted = sum(claim.need for claim in members)
        if wanted <= left:
            allotted.update((claim.key, claim.need) for claim in members)
            left -= wanted
            continue
        shares, dropped = _fair_shares(left, members, mode)
        allotted.update(shares)
        flags.update((key, ("below_moq_after_allocation",)) for key in dropped)
        short_tier = tier
        break
    return [
        _allotment(
            claim,
            allotted.get(claim.key, 0.0),
            flags.get(claim.key, ()),
            supply,
            demand,
            mode,
            short_tier,
        )
        for claim in claims
    ]


def _allotment(claim, allotted, flags, supply, demand, mode, short_tier):
    allotted = _clean(allotted)
    need = max(claim.need, 0.0)
    values = {
        "allotted": format_qty(allotted, claim.rounding),
        "need": format_qty(need, claim.rounding),
        "supply": format_qty(supply, claim.rounding),
        "demand": format_qty(demand, claim.rounding),
        "tier": claim.tier,
    }
    if allotted >= need:
        note = (
            _(
                "warehouse short (%(supply)s available for %(demand)s needed): "
                "tier %(tier)s served in full"
            )
            % values
        )
        return Allotment(
            claim.key, claim.need, need, claim.tier, supply, demand, note, flags
        )
    if allotted:
        if mode == "days_of_supply" and claim.rate > 0:
            share = _("fair share to %(days)s days of supply") % {
                "days": format_number(_cover(claim, allotted))
            }
        else:
            share = _("fair share %(percent)s %% of the need") % {
                "percent": format_number(allotted / need * 100, 1)
            }
        note = _(
            "allocated %(allotted)s of %(need)s: warehouse short (%(supply)s "
            "available for %(demand)s needed); tier %(tier)s, %(share)s"
        ) % {**values, "share": share}
    elif flags:
        note = _(
            "allocated 0 of %(need)s: warehouse short (%(supply)s available for "
            "%(demand)s needed) and the fair share is below the MOQ %(moq)s"
        ) % {**values, "moq": format_qty(claim.moq or claim.multiple, claim.rounding)}
    elif claim.tier == short_tier:
        note = (
            _(
                "allocated 0 of %(need)s: warehouse short (%(supply)s available for "
                "%(demand)s needed); tier %(tier)s, its stock lasts longer than "
                "the others' after their share"
            )
            % values
        )
    else:
        note = (
            _(
                "allocated 0 of %(need)s: warehouse short (%(supply)s available for "
                "%(demand)s needed); tier %(tier)s comes after the tiers served first"
            )
            % values
        )
    return Allotment(
        claim.key,
        claim.need,
        allotted,
        claim.tier,
        supply,
        demand,
        note,
        ("supply_short", *flags),
    )


def _cover(claim, allotted):
    """Projected days of supply of a claim given ``allotted``; a claim without demand
    never runs out."""
    return round((claim.position + allotted) / claim.rate, 2) if claim.rate > 0 else inf


def _urgency(claim, allotted, mode):
    """What fair share equalises: projected days of supply, or the fraction of the need
    served."""
    if mode == "fraction":
        return allotted / claim.need
    return (
        ((claim.position + allotted) / claim.rate, 0.0)
        if claim.rate > 0
        else (inf, allotted / claim.need)
    )


def _minimum(claim):
    """The least a claim can receive: its MOQ or one pack, in pack multiples, never more
    than its need; 0: any."""
    return min(
        round_up(max(claim.moq or 0.0, claim.multiple or 0.0), claim.multiple),
        claim.need,
    )


def _fair_shares(supply, claims, mode):
    """Continuous fair shares, rounded to packs and MOQs, then the leftover a pack at a
    time.

    :returns: ``({key: allotted}, {keys left without an allotment because of their
              MOQ})``
    """
    active = list(claims)
    dropped = set()
    while True:
        shares = _level(supply, active, mode)
        below = [
            claim
            for claim in active
            if round_down(shares[claim.key], claim.multiple) < _minimum(claim)
        ]
        if not below:
            break
        # the claim furthest below its minimum leaves first; the others' shares grow
        worst = min(below, key=lambda claim: shares[claim.key] / _minimum(claim))
        active.remove(worst)
        dropped.add(worst.key)
    allotted = {claim.key: 0.0 for claim in claims}
    for claim in active:
        allotted[claim.key] = min(
            round_down(shares[claim.key], claim.multiple), claim.need
        )
    left = supply - sum(allotted.values())
    heap = [
        (_urgency(claim, allotted[claim.key], mode), index, claim)
        for index, claim in enumerate(claims)
    ]
    heapq.heapify(heap)
    while heap and left > 1e-9:
        __, index, claim = heapq.heappop(heap)
        current = allotted[claim.key]
        room = claim.need - current
        step = min((_minimum(claim) if not current else claim.multiple) or room, room)
        if step <= 0 or step > left + 1e-9:
            continue
        allotted[claim.key] = current + step
        left -= step
        dropped.discard(claim.key)
        heapq.heappush(heap, (_urgency(claim, allotted[claim.key], mode), index, claim))
    return allotted, {key for key in dropped if not allotted[key]}


def _level(supply, claims, mode):
    """Continuous shares: the same fraction of need, or water-filling to one projected
    cover.

    Claims without demand share, by fraction of need, what the claims with
    demand leave once they are all full.
    """
    if mode == "fraction":
        total = sum(claim.need for claim in claims)
        ratio = min(supply / total, 1.0) if total else 0.0
        return {claim.key: claim.need * ratio for claim in claims}
    with_rate = [claim for claim in claims if claim.rate > 0]
    without = [claim for claim in claims if claim.rate <= 0]
    shares = _water_fill(supply, with_rate)
    rest = supply - sum(shares.values())
    shares.update(_level(rest, without, "fraction"))
    return shares


def _water_fill(supply, claims):
    """Shares that bring every claim to one level T of days of supply, each within [0,
    need]."""
    if not claims:
        return {}
    total = sum(claim.need for claim in claims)
    if total <= supply:
        return {claim.key: claim.need for claim in claims}

    def filled(level):
        return sum(
            min(max(level * claim.rate - claim.position, 0.0), claim.need)
            for claim in claims
        )

    # the filled quantity grows piecewise linearly with the level, bending where a claim
    # starts or is full: find the two bends around the supply, then interpolate
    bends = sorted(
        {claim.position / claim.rate for claim in claims}
        | {(claim.position + claim.need) / claim.rate for claim in claims}
    )
    index = bisect_left(bends, supply, key=filled)
    high = bends[min(index, len(bends) - 1)]
    low = bends[max(index - 1, 0)]
    at_low, at_high = filled(low), filled(high)
    level = (
        low
        if at_high <= at_low
        else low + (supply - at_low) * (high - low) / (at_high - at_low)
    )
    return {
        claim.key: min(max(level * claim.rate - claim.position, 0.0), claim.need)
        for claim in claims
    }
