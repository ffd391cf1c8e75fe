"""A planner's own quantity on a proposal, and when a new decision replaces it.

A planner who changes the quantity of a proposed line knows something the
data does not: the change stands through later evaluations for as long as
the need they were made against stays about the same. Once the engine's
proposal moves by more than the tolerance from the one the planner changed,
the situation is new and the engine's quantity replaces the planner's. The
explanation says which happened.
"""

from .i18n import _
from .policies import _clean
from .safety_stock import _fmt
from .types import Step


def keep_override(decision, planner_qty, proposed_qty, tolerance):
    """The decision, with the planner's quantity kept while the need is within
    ``tolerance`` of the proposal.

    :param planner_qty: the quantity the planner put on the proposal line
    :param proposed_qty: the engine's quantity the planner changed
    :param tolerance: the share (0.2 = 20 %) by which the need may move before the
                      override lapses
    """
    moved = (
        abs(decision.order_qty - proposed_qty) / proposed_qty if proposed_qty else 1.0
    )
    values = {
        "planner": _fmt(planner_qty),
        "tolerance": _fmt(round(tolerance * 100, 1)),
        "change": _("proposed %(proposed)s, now %(now)s: moved %(moved)s %%")
        % {
            "proposed": _fmt(proposed_qty),
            "now": _fmt(decision.order_qty),
            "moved": _fmt(round(moved * 100, 1)),
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
