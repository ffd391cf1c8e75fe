"""Which exceptions a planner must look at for one line, after its decision.

Plain rules on the decision and the demand history, so the back office,
the portal and the tests agree on when an exception is raised and when it
clears (it clears as soon as its rule no longer holds).
"""

from .status import stock_status

SPIKE_SIGMAS = 3.0  # a day's demand this many deviations above the rate is a spike
SPIKE_MIN_HISTORY = 14  # days of history before spikes are told apart from noise
BIAS_MIN_DAYS = 14  # days judged before a forecast's bias is told apart from noise

# kind: severity; the order is the order of urgency
LINE_EXCEPTIONS = {
    "out_of_stock": "critical",
    "projected_stockout": "high",
    "capacity_capped": "high",
    "supply_short": "high",
    "demand_spike": "medium",
    "forecast_bias": "medium",
    "below_min": "low",
    "overstock": "low",
}


def demand_spike(demand, rate, std, sigmas=SPIKE_SIGMAS):
    """Whether the last day's demand is an outlier against the forecast: above rate +
    ``sigmas`` × std.

    :param demand: daily history, oldest first (the last day is the one judged)
    """
    if len(demand) < SPIKE_MIN_HISTORY or not demand[-1]:
        return False
    return demand[-1] > rate + sigmas * max(std, 1e-9)


def forecast_bias(accuracy, tolerance):
    """Whether the forecasts used ran high or low by more than ``tolerance`` (a share of
    demand) lately.

    :param accuracy: the line's ``accuracy.forecast_scores``, or None when nothing was
                     judged
    """
    return bool(
        accuracy
        and tolerance
        and accuracy["days"] >= BIAS_MIN_DAYS
        and accuracy["bias"] is not None
        and abs(accuracy["bias"]) > tolerance
    )


def line_exceptions(decision, demand, accuracy=None, bias_tolerance=None):
    """The exception kinds (keys of :data:`LINE_EXCEPTIONS`) that hold for a line after
    its decision.

    A line below its min gets a low-severity exception only when the decision
    does not bring it back to the trigger level (nothing could be ordered,
    or not enough): below min is otherwise the normal reason to replenish.
    """
    kinds = set()
    status = stock_status(
        decision.on_hand,
        decision.position,
        decision.trigger_level,
        decision.target_level,
        decision.lead_time_demand,
    )
    if status in ("out_of_stock", "projected_stockout", "overstock"):
        kinds.add(status)
    elif (
        status == "below_min"
        and decision.position + decision.order_qty < decision.trigger_level
    ):
        kinds.add("below_min")
    if "capacity_capped" in decision.flags:
        kinds.add("capacity_capped")
    if "supply_short" in decision.flags:
        kinds.add("supply_short")
    if demand_spike(demand, decision.demand_rate, decision.demand_std):
        kinds.add("demand_spike")
    if forecast_bias(accuracy, bias_tolerance):
        kinds.add("forecast_bias")
    return kinds
