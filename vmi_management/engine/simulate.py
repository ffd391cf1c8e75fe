"""Policy simulator: replay a demand history day by day under a policy.

This is how a vendor sizes a pilot before going live: the same decision
logic as production (``plan_line``), the real daily demand, and a lead time.

Each simulated day:

1. replenishments due that day arrive;
2. the day's demand is served from on hand; what cannot be served is lost
   (the customer takes it elsewhere: no backorders);
3. on review days, the policy decides with the position (on hand + on
   order) and the demand seen so far, and an order placed today arrives
   after the lead time (rounded up to whole days).
"""

from dataclasses import dataclass, replace
from math import ceil

from .kpi import average_days_of_supply, fill_rate, inventory_turnover, stockout_days
from .policies import plan_line


@dataclass(frozen=True, slots=True)
class SimulationResult:
    days: int
    demanded: float
    served: float
    fill_rate: float | None
    average_on_hand: float
    turns: float | None
    average_days_of_supply: float | None
    stockout_days: int
    orders: int
    units_ordered: float
    on_hand: tuple
    order_quantities: tuple

    def summary(self):
        """The figures a planner compares, without the daily series."""
        return {
            name: getattr(self, name)
            for name in (
                "days",
                "demanded",
                "served",
                "fill_rate",
                "average_on_hand",
                "turns",
                "average_days_of_supply",
                "stockout_days",
                "orders",
                "units_ordered",
            )
        }


def simulate(line, demand, initial_on_hand=None, review_days=1, warmup_days=0):
    """Replay ``demand`` under ``line``'s policy and parameters.

    :param line: a ``LineInput``; its ``on_hand`` is the starting stock unless
        ``initial_on_hand`` is given; its own ``demand`` and what goes with it
        (censored days, events, the customer's forecast) are ignored: the
        replay plans on the demand replayed
    :param demand: daily demand to replay, oldest first
    :param review_days: the policy decides every ``review_days`` days
    :param warmup_days: the first days only feed the forecast; they are not
        simulated or counted
    """
    on_hand = line.on_hand if initial_on_hand is None else initial_on_hand
    lead = max(ceil(round(line.lead_time_days + line.lead_time_buffer_days, 9)), 0)
    arrivals = {}
    levels, demanded, served, orders = [], [], [], []
    line = replace(line, censored=(), events=(), customer_forecast=())
    for day in range(warmup_days, len(demand)):
        on_hand += arrivals.pop(day, 0.0)
        wanted = demand[day]
        delivered = min(max(on_hand, 0.0), wanted)
        on_hand -= delivered
        demanded.append(wanted)
        served.append(delivered)
        ordered = 0.0
        if (day - warmup_days) % max(review_days, 1) == 0:
            pipeline = sum(arrivals.values())
            decision = plan_line(
                replace(
                    line,
                    on_hand=on_hand,
                    on_order=pipeline,
                    committed=0.0,
                    demand=tuple(demand[: day + 1]),
                )
            )
            ordered = decision.order_qty
            if ordered > 0:
                arrivals[day + lead] = arrivals.get(day + lead, 0.0) + ordered
                if lead == 0:
                    on_hand += arrivals.pop(day)
        orders.append(ordered)
        levels.append(on_hand)
    days = len(levels)
    return SimulationResult(
        days=days,
        demanded=sum(demanded),
        served=sum(served),
        fill_rate=fill_rate(demanded, served),
        average_on_hand=sum(levels) / days if days else 0.0,
        turns=inventory_turnover(served, levels),
        average_days_of_supply=average_days_of_supply(levels, demanded),
        stockout_days=stockout_days(levels, demanded, served),
        orders=sum(1 for quantity in orders if quantity > 0),
        units_ordered=sum(orders),
        on_hand=tuple(levels),
        order_quantities=tuple(orders),
    )


def compare(line_a, line_b, demand, **options):
    """Simulate two policies on the same demand: ``(result_a, result_b)``, side by
    side."""
    return simulate(line_a, demand, **options), simulate(line_b, demand, **options)
