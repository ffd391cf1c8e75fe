"""A planner's own quantity on a proposal, and when a new decision replaces it.

A planner who changes the quantity of a proposed line knows something the
data does not: the change stands through later evaluations for as long as
the need they were made against stays about the same. Once the engine's
proposal moves by more than the tolerance from the one the planner changed,
the situation is new and the engine's quantity replaces the planner's. The
explanation says which happened.
"""

from .formatting import format_number, format_qty
from .i18n import _
from .policies import _clean
from .types import Step


def keep_override(decision, planner_qty, proposed_qty, tolerance, rounding=None):
    """The decision, with the planner's quantity kept while the need is within
    ``tolerance`` of the proposal.

    :param planner_qty: the quantity the planner put on the proposal line
    :param proposed_qty: the engine's quantity the planner changed
    :param tolerance: the share (0.2 = 20 %) by which the need may move before the
                      override lapses
    :param rounding: the rounding of the line's unit, the quantities' precision in
                     the explanation (None: not known)
    """
    moved = (
        abs(decision.order_qty - proposed_qty) / proposed_qty if proposed_qty else 1.0
    )
    values = {
        "planner": format_qty(planner_qty, rounding),
        "tolerance": format_number(tolerance * 100, 1),
        "change": _("proposed %(proposed)s, now %(now)s: moved %(moved)s %%")
        % {
            "proposed": format_qty(proposed_qty, rounding),
            "now": format_qty(decision.order_qty, rounding),
            "moved": format_number(moved * 100, 1),
        },
    }
    if moved <= tolerance + 1e-9:
        note = _("the planner's %(planner)s kept (%(change)s, within %(tolerance)s %%)")
        return decision.adjusted(
            _clean(planner_qty),
            Step(_("planner override"), _clean(planner_qty), note % values),
            ("planner_override",),
        )
    note = _("the planner's %(planner)s replaced (%(change)s, beyond %(tolerance)s %%)")
    return decision.adjusted(
        decision.order_qty,
        Step(_("planner override"), decision.order_qty, note % values),
    )
