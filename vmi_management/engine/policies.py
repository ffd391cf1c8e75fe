"""Replenishment policies: when to order and how much, with every step explained.

The rules are the contract in DESIGN.md:

- inventory position = on hand + on order − committed;
- ``min_max``: below min, order up to max;
- ``reorder_point`` (s, Q): below s, order the smallest multiple of Q that
  brings the position back to at least s; its target level (for status and
  overstock) is s + Q, the highest position a normal order reaches;
- ``days_of_supply``: reorder point = demand over the lead time + safety
  stock, order up to demand over lead time + target days + safety stock;
  demand over a span is the sum of the forecast of each of its days
  (baseline, customer forecast and events, see ``demand.py``), so a trend,
  a weekly pattern or a promotion counts on the days it falls on;
- then raise to the MOQ, round up to the pack multiple, and cap by the
  location's capacity (the cap wins over the MOQ and is flagged). Capacity
  is physical: on hand + on order + the order must fit, whatever is
  committed (committed stock is still on the shelf);
- the lead-time buffer is a margin of demand: it lengthens the lead time the
  demand is planned over, once; the safety stock's variability term uses
  the lead time itself, which is what the measured variability is about;
- a site that takes deliveries on some days only (``delivery_days``): an
  order placed now arrives on the first delivery day after the lead time,
  which becomes the lead time, and a days-of-supply line orders enough to
  last until the delivery after it, the next chance to replenish.

Triggers are strict: a position at the trigger orders nothing.
"""

from datetime import date
from math import ceil, floor

from .demand import demand_outlook
from .forecast import method_label
from .formatting import format_number, format_qty
from .gc import young_gc_only
from .i18n import _
from .safety_stock import safety_stock
from .types import Decision, LineInput, Step

# Float noise guard: 44.99999999997 / 5 must count as 9 packs, not 10.
_DECIMALS = 9


def round_up(quantity, step):
    """Smallest multiple of ``step`` at or above ``quantity``."""
    if not step or quantity <= 0:
        return quantity
    return ceil(round(quantity / step, _DECIMALS)) * step


def round_down(quantity, step):
    """Largest multiple of ``step`` at or below ``quantity``."""
    if not step or quantity <= 0:
        return max(quantity, 0.0)
    return floor(round(quantity / step, _DECIMALS)) * step


# _clean's shortcut: 10 ** _DECIMALS, the scaled quantities it is exact below, and
# 1.5 × 2⁵²: a float below 2⁵¹ plus it, less it, is its nearest integer (half to
# even, as round() gives), in float arithmetic
_SCALE = 10.0**_DECIMALS
_SCALED_LIMIT = 2.0**40
_TO_INTEGER = 1.5 * 2.0**52


def _clean(quantity):
    """``quantity`` without float noise, and never -0.0 (a whole number has neither):
    ``round(quantity, 9)``.

    Every line cleans half a dozen quantities that are not whole (a rate, its
    variability, demand over a span, a safety stock), and ``round`` with
    digits writes the number out in decimal to round it. The integer nearest
    ``quantity`` × 10⁹ over 10⁹ is the same float whenever the product is
    exact to within 2⁻¹³ (below 2⁴⁰) and not near a tie: the nearest
    integer is then the one the decimal rounding keeps, and the division
    rounds correctly as reading the decimal back does.
    """
    if quantity % 1.0 == 0.0:  # most: rounding them costs more than the test
        return quantity + 0.0
    scaled = quantity * _SCALE
    if -_SCALED_LIMIT < scaled < _SCALED_LIMIT:
        nearest = scaled + _TO_INTEGER - _TO_INTEGER
        if -0.49 < scaled - nearest < 0.49:
            return nearest / _SCALE + 0.0
    return round(quantity, _DECIMALS) + 0.0


def plan_line(line: LineInput, as_of: date | None = None) -> Decision:
    """Decide what to order for one line, and say why.

    ``as_of`` is the day the decision is made for; the history in
    ``line.demand`` ends the day before.
    """
    return _decide(line, _Texts(), _Shared())


@young_gc_only()
def plan(lines, as_of=None):
    """Decide for every line; the result is in the order of ``lines``.

    Lines often have terms in common (a lead time, stock figures, a history
    as long): the steps and notes made of them only are made once per plan,
    in its reader's language, and shared by the lines' explanations (they
    are frozen). So are the words of their steps and reasons.
    """
    texts, shared = _Texts(), _Shared()
    return [_decide(line, texts, shared) for line in lines]


class _Texts:
    """The words of every decision's steps and reason, in the current reader's
    language.

    A line's explanation names a dozen steps and labels: translating them
    once per plan, rather than for each line, saves a twentieth of its time.
    The messages stay written in ``_()`` calls, where Odoo's export of
    terms finds them.
    """

    __slots__ = (
        "lead_time_demand",
        "horizon_demand",
        "safety_stock",
        "trigger",
        "target",
        "min",
        "max",
        "reorder_point",
        "reorder_point_and_qty",
        "order_up_to",
        "no_order",
        "raw_need",
        "after_moq",
        "after_multiple",
        "after_capacity",
        "below_reorder_point",
        "packs_of_order_qty",
        "below_trigger",
        "target_less_position",
        "raised_to_moq",
        "rounded_to_pack",
        "capped",
        "below_moq",
        "room",
    )

    def __init__(self):
        self.lead_time_demand = _("lead-time demand")
        self.horizon_demand = _("horizon demand")
        self.safety_stock = _("safety stock")
        self.trigger = _("trigger")
        self.target = _("target")
        self.min = _("min")
        self.max = _("max")
        self.reorder_point = _("reorder point")
        self.reorder_point_and_qty = _("reorder point + order qty")
        self.order_up_to = _("order-up-to level")
        self.no_order = _(
            "position %(position)s ≥ %(trigger_label)s %(trigger)s: no order"
        )
        self.raw_need = _("raw need")
        self.after_moq = _("after MOQ")
        self.after_multiple = _("after pack multiple")
        self.after_capacity = _("after capacity")
        # the reason and steps of an order
        self.below_reorder_point = _(
            "position %(position)s < reorder point %(trigger)s: "
            "%(packs)s × order qty %(order_qty)s = %(raw)s"
        )
        self.packs_of_order_qty = _("%(packs)s × fixed order quantity %(order_qty)s")
        self.below_trigger = _(
            "position %(position)s < %(trigger_label)s %(trigger)s: "
            "order up to %(target_label)s %(target)s = %(raw)s"
        )
        self.target_less_position = _(
            "%(target_label)s %(target)s − position %(position)s"
        )
        self.raised_to_moq = _("raised to MOQ %(moq)s")
        self.rounded_to_pack = _("rounded up to pack of %(multiple)s = %(quantity)s")
        self.capped = _("capped by capacity %(capacity)s to %(quantity)s")
        self.below_moq = _("below the MOQ %(moq)s")
        self.room = _(
            "room %(room)s: capacity %(capacity)s − on hand %(on_hand)s "
            "− on order %(on_order)s"
        )


class _Made(dict):
    """What one maker made in a plan, by its terms: ``made[terms]`` is
    ``make(*terms)``, made the first time these terms are asked for.

    The lookup of terms already seen stays in the dictionary's own code, with no
    call of Python's: a plan asks half a dozen times per line.
    """

    __slots__ = ("make",)

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, terms):
        made = self[terms] = self.make(*terms)
        return made


class _Shared(dict):
    """What a plan's decisions share: ``shared[make][terms]`` is ``make(*terms)``,
    made once for the same terms (see :class:`_Made`).

    Keyed by the terms alone, one dictionary per maker: smaller keys to hash
    on every line.
    """

    __slots__ = ()

    def __missing__(self, make):
        made = self[make] = _Made(make)
        return made


def _decide(line, texts, shared):
    """:func:`plan_line` with the words of ``texts``, sharing steps and notes through
    ``shared`` (see :func:`plan`)."""
    position = _clean(line.position)
    lead_time = _clean(
        line.delivery_days[0] if line.delivery_days else line.effective_lead_time
    )
    rounding = line.rounding
    outlook, std, history, censored = demand_outlook(line)
    rate, std = _clean(outlook.at(0)), _clean(std)
    lead_time_demand = _clean(outlook.total(lead_time))
    safety, safety_note = safety_stock(
        line.safety_stock_mode,
        line.safety_stock_value,
        line.service_level,
        rate,
        std,
        line.lead_time_days,
        line.lead_time_std_days,
    )
    safety = _clean(safety)
    baseline = outlook.baseline
    # a flat outlook says how its baseline was forecast, which few terms decide
    method = (
        shared[method_label][baseline.method, baseline.params, baseline.holdout_error]
        if outlook.flat
        else outlook.label
    )
    steps = [
        shared[_position_step][
            position, line.on_hand, line.on_order, line.committed, rounding
        ],
        shared[_rate_step][rate, method, history, censored],
        shared[_lead_time_step][
            lead_time,
            line.lead_time_days,
            line.lead_time_buffer_days,
            bool(line.delivery_days),
        ],
        _span_step(
            texts.lead_time_demand,
            lead_time_demand,
            outlook,
            rate,
            lead_time,
            rounding,
            shared,
        ),
        Step.make(texts.safety_stock, safety, safety_note),
    ]

    policy = line.policy
    if policy == "min_max":
        trigger, target = line.min_qty or 0.0, line.max_qty or 0.0
        trigger_label, target_label = texts.min, texts.max
    elif policy == "reorder_point":
        trigger = line.reorder_point or 0.0
        target = trigger + (line.order_qty or 0.0)
        trigger_label, target_label = texts.reorder_point, texts.reorder_point_and_qty
    else:
        horizon = lead_time + (line.target_days or 0.0)
        trigger_label, target_label = texts.reorder_point, texts.order_up_to
        if len(line.delivery_days) > 1 and line.delivery_days[1] > horizon:
            horizon = line.delivery_days[1]
            target_label = _(
                "order-up-to level (to the delivery after next, in %(days)s days)"
            ) % {"days": format_number(horizon)}
        trigger = lead_time_demand + safety
        horizon_demand = _clean(outlook.total(horizon))
        steps.append(
            _span_step(
                texts.horizon_demand,
                horizon_demand,
                outlook,
                rate,
                horizon,
                rounding,
                shared,
            )
        )
        target = horizon_demand + safety
    trigger, target = _clean(trigger), _clean(target)
    steps.append(Step.make(texts.trigger, trigger, trigger_label))
    steps.append(Step.make(texts.target, target, target_label))

    triggered = position < trigger
    flags = [] if history else ["no_demand_history"]
    if triggered:
        raw, after_moq, after_multiple, final, reason = _order_quantity(
            line,
            texts,
            shared,
            position,
            trigger,
            target,
            trigger_label,
            target_label,
            steps,
            flags,
        )
    else:
        raw = after_moq = after_multiple = final = 0.0
        reason = texts.no_order % {
            "position": format_qty(position, rounding),
            "trigger_label": trigger_label,
            "trigger": format_qty(trigger, rounding),
        }
    # the statistical forecast of the first day: the rate when the outlook is flat
    baseline_rate = rate if outlook.flat else _clean(outlook.statistical(0))
    # the fields in their order: by keyword, they took a microsecond more per line
    return Decision.make(
        line.product,
        line.location,
        policy,
        line.on_hand,
        line.on_order,
        line.committed,
        position,
        rate,
        std,
        lead_time,
        lead_time_demand,
        safety,
        trigger,
        target,
        raw,
        after_moq,
        after_multiple,
        max(final, 0.0),
        triggered,
        reason,
        tuple(steps),
        tuple(flags),
        method,
        0.0,  # unallocated_qty
        baseline_rate,
        outlook.customer[0] if outlook.customer else None,  # customer_rate
    )


def _position_step(position, on_hand, on_order, committed, rounding):
    return Step.make(
        _("position"),
        position,
        _("on hand %(on_hand)s + on order %(on_order)s − committed %(committed)s")
        % {
            "on_hand": format_qty(on_hand, rounding),
            "on_order": format_qty(on_order, rounding),
            "committed": format_qty(committed, rounding),
        },
    )


def _lead_time_step(lead_time, own_days, buffer_days, delivery):
    """The lead time planned on: the line's own and its buffer, or (``delivery``) the
    next delivery day."""
    note = _("%(days)s days + buffer %(buffer)s") % {
        "days": format_number(own_days),
        "buffer": format_number(buffer_days),
    }
    if delivery:
        note += _(": the next delivery day is in %(days)s days") % {
            "days": format_number(lead_time)
        }
    return Step.make(_("lead time"), lead_time, note)


def _rate_step(rate, method, history, censored):
    """The "demand rate" step: the rate, how it was forecast and from how many days.

    Few lines have a rate of their own: most share theirs, and their
    history's length, with many others (a rate is a mean of whole
    quantities), so a plan makes the step once for them all.
    """
    return Step.make(_("demand rate"), rate, _history_note(method, history, censored))


def _history_note(method, history, censored):
    """How the rate was forecast, and from how many days."""
    if not history:
        return _("no history: no day with data yet")
    if history == 1:
        note = _("%(method)s over 1 day of history") % {"method": method}
    else:
        note = _("%(method)s over %(days)s days of history") % {
            "method": method,
            "days": history,
        }
    if censored == 1:
        note += _(" (1 day left out: out of stock, outlier or event)")
    elif censored:
        note += _(" (%(days)s days left out: out of stock, outlier or event)") % {
            "days": censored
        }
    return note


def _span_step(name, demand, outlook, rate, days, rounding, shared):
    """The step ``name`` of the ``demand`` over ``days``, and how it was summed.

    Rate × days when the forecast is flat, a step made once per plan for
    the same terms (through ``shared``), as most lines' lead times and
    rates are shared; else the sum, with any event's uplift (a quantity,
    read at the unit's ``rounding``).
    """
    if outlook.flat:
        return shared[_flat_span_step][name, demand, rate, days]
    return Step.make(name, demand, _span_note(outlook, days, rounding))


def _flat_span_step(name, demand, rate, days):
    return Step.make(
        name,
        demand,
        _("%(rate)s/day × %(days)s days")
        % {"rate": format_number(rate), "days": format_number(days)},
    )


def _span_note(outlook, days, rounding):
    """How the demand over ``days`` of an outlook that is not flat was summed."""
    note = _("sum of the daily forecast over %(days)s days") % {
        "days": format_number(days)
    }
    uplifts = [
        f"{event.name} {'+' if extra >= 0 else '−'}{format_qty(abs(extra), rounding)}"
        for event, extra in outlook.events_in(days)
    ]
    if uplifts:
        note += _(", including %(events)s") % {"events": ", ".join(uplifts)}
    return note


def _order_quantity(
    line,
    texts,
    shared,
    position,
    trigger,
    target,
    trigger_label,
    target_label,
    steps,
    flags,
):
    """Raw need, then MOQ, pack multiple, capacity and unit rounding, in that order.

    Appends the steps and flags it takes; returns the quantity after each
    stage and the one-line reason.
    """
    rounding = line.rounding
    if line.policy == "reorder_point":
        packs = max(ceil(round((trigger - position) / line.order_qty, _DECIMALS)), 1)
        raw = packs * line.order_qty
        values = {
            "position": format_qty(position, rounding),
            "trigger": format_qty(trigger, rounding),
            "packs": packs,
            "order_qty": format_qty(line.order_qty, rounding),
            "raw": format_qty(raw, rounding),
        }
        story = [texts.below_reorder_point % values]
        raw_note = texts.packs_of_order_qty % values
    else:
        raw = target - position
        values = {
            "position": format_qty(position, rounding),
            "trigger_label": trigger_label,
            "trigger": format_qty(trigger, rounding),
            "target_label": target_label,
            "target": format_qty(target, rounding),
            "raw": format_qty(raw, rounding),
        }
        story = [texts.below_trigger % values]
        raw_note = texts.target_less_position % values
    raw_qty = _clean(raw)
    steps.append(Step.make(texts.raw_need, raw_qty, raw_note))

    after_moq = max(raw, line.moq) if line.moq else raw
    if after_moq != raw:
        story.append(texts.raised_to_moq % {"moq": format_qty(line.moq, rounding)})
    moq_qty = _clean(after_moq)
    steps.append(
        Step.make(texts.after_moq, moq_qty, shared[_moq_note][line.moq, rounding])
    )

    after_multiple = round_up(after_moq, line.multiple)
    if round(after_multiple - after_moq, _DECIMALS):
        story.append(
            texts.rounded_to_pack
            % {
                "multiple": format_qty(line.multiple, rounding),
                "quantity": format_qty(after_multiple, rounding),
            }
        )
    multiple_qty = _clean(after_multiple)
    steps.append(
        Step.make(
            texts.after_multiple,
            multiple_qty,
            shared[_multiple_note][line.multiple, rounding],
        )
    )

    final = after_multiple
    if line.capacity is not None:
        physical = line.on_hand + line.on_order
        room = line.capacity - physical
        if round(final - room, _DECIMALS) > 0:
            final = round_down(room, line.multiple)
            flags.append("capacity_capped")
            story.append(
                texts.capped
                % {
                    "capacity": format_qty(line.capacity, rounding),
                    "quantity": format_qty(final, rounding),
                }
            )
            if line.moq and final < line.moq:
                flags.append("below_moq_after_cap")
                story.append(texts.below_moq % {"moq": format_qty(line.moq, rounding)})
        steps.append(
            Step.make(
                texts.after_capacity,
                _clean(final),
                texts.room
                % {
                    "room": format_qty(max(room, 0.0), rounding),
                    "capacity": format_qty(line.capacity, rounding),
                    "on_hand": format_qty(line.on_hand, rounding),
                    "on_order": format_qty(line.on_order, rounding),
                },
            )
        )
    if rounding:
        final = (round_down if "capacity_capped" in flags else round_up)(
            final, rounding
        )
    return raw_qty, moq_qty, multiple_qty, _clean(final), "; ".join(story)


def _moq_note(moq, rounding):
    if not moq:
        return _("no MOQ")
    return _("minimum order %(moq)s") % {"moq": format_qty(moq, rounding)}


def _multiple_note(multiple, rounding):
    if not multiple:
        return _("no pack multiple")
    return _("multiple of %(multiple)s") % {"multiple": format_qty(multiple, rounding)}
