"""How a line's stock stands against its thresholds, as both parties see it on their
screens.

One status per line, the most urgent that applies, so a list can be sorted
and filtered by it:

- ``out_of_stock``: nothing on hand;
- ``projected_stockout``: what is on hand and on order, less what is
  committed, does not cover the demand expected before a replenishment
  ordered now can arrive;
- ``below_min``: the inventory position (on hand + on order − committed)
  below the trigger level (min, reorder point, or the days-of-supply
  trigger): stock on its way counts, as it does for the decision;
- ``overstock``: the position above the target level, the highest a normal
  order reaches (max; s + Q for a reorder point line);
- ``ok``: none of these.
"""

from .kpi import days_of_supply

STATUSES = ("out_of_stock", "projected_stockout", "below_min", "overstock", "ok")


def stock_status(
    on_hand, position, trigger_level, target_level, lead_time_demand, tolerance=1e-9
):
    """The status of one line (one of :data:`STATUSES`).

    :param on_hand: quantity at the site
    :param position: on hand + on order − committed
    :param trigger_level: level below which the line is replenished
    :param target_level: level replenishments fill up to; 0 or less when the policy has
                         none
    :param lead_time_demand: demand expected over the replenishment lead time
    """
    if on_hand <= tolerance:
        return "out_of_stock"
    if lead_time_demand > tolerance and position + tolerance < lead_time_demand:
        return "projected_stockout"
    if position + tolerance < trigger_level:
        return "below_min"
    if target_level > tolerance and position > target_level + tolerance:
        return "overstock"
    return "ok"


def decision_status(decision):
    """``(status, days of supply or None)`` of an engine :class:`~.types.Decision`."""
    status = stock_status(
        decision.on_hand,
        decision.position,
        decision.trigger_level,
        decision.target_level,
        decision.lead_time_demand,
    )
    return status, days_of_supply(decision.on_hand, decision.demand_rate)
