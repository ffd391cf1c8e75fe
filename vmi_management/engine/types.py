"""Plain value objects the engine reads and returns.

Frozen dataclasses with slots (:func:`~.frozen.frozen`): cheap to build by the
hundred thousand, safe to share, and free of any framework so the Odoo layer,
the command line and the tests all speak the same language.
"""

from collections.abc import Hashable
from dataclasses import field, replace

from .frozen import frozen

POLICIES = ("min_max", "reorder_point", "days_of_supply")
SAFETY_STOCK_MODES = ("fixed", "days", "service_level")


@frozen
class LineInput:
    """One product at one location, with its thresholds and what is known of its stock.

    Quantities are in the product's unit. ``None`` means "not set".
    ``demand`` is the daily consumption history, oldest day first, one value
    per day, zero days included, ``None`` where a day's demand is not known.
    ``censored`` are indices of ``demand`` the forecast must not learn
    from (days out of stock, outliers). ``events`` are planned
    :class:`~.demand.Event` s; ``customer_forecast`` is the customer's
    expected demand per day from the decision day (``None`` where it says
    nothing), used by the ``customer`` and ``blend`` methods.
    ``delivery_days``, where the site takes deliveries on some days only:
    in how many days the next delivery an order placed now can make
    arrives, and the delivery after it.
    """

    product: Hashable
    location: Hashable
    on_hand: float
    policy: str
    on_order: float = 0.0
    committed: float = 0.0
    min_qty: float | None = None
    max_qty: float | None = None
    reorder_point: float | None = None
    order_qty: float | None = None
    target_days: float | None = None
    lead_time_days: float = 0.0
    lead_time_buffer_days: float = 0.0
    lead_time_std_days: float = 0.0
    safety_stock_mode: str | None = None
    safety_stock_value: float | None = None
    service_level: float | None = None
    moq: float | None = None
    multiple: float | None = None
    capacity: float | None = None
    rounding: float | None = None
    demand: tuple = ()
    forecast_method: str | None = None
    censored: tuple = ()
    events: tuple = ()
    customer_forecast: tuple = ()
    blend_weight: float = 0.5
    delivery_days: tuple = ()

    @property
    def position(self):
        """Inventory position: on hand + on order − committed."""
        return self.on_hand + self.on_order - self.committed

    @property
    def effective_lead_time(self):
        return self.lead_time_days + self.lead_time_buffer_days


@frozen
class Step:
    """One step of a decision, as a planner reads it: what, how much, and why."""

    name: str
    value: float | str | None
    note: str = ""

    def to_dict(self):
        """JSON-ready, as explanations are stored and shown."""
        return {"name": self.name, "value": self.value, "note": self.note}


@frozen
class Decision:
    """What to order for one line, and the reasoning behind it."""

    product: Hashable
    location: Hashable
    policy: str
    on_hand: float
    on_order: float
    committed: float
    position: float
    demand_rate: float
    demand_std: float
    lead_time_days: float
    lead_time_demand: float
    safety_stock: float
    trigger_level: float
    target_level: float
    raw_qty: float
    qty_after_moq: float
    qty_after_multiple: float
    order_qty: float
    triggered: bool
    reason: str
    steps: tuple = ()
    flags: tuple = field(default=())
    forecast_method: str = ""
    unallocated_qty: float = (
        0.0  # needed, but not allocated by a short shipping warehouse
    )
    baseline_rate: float = (
        0.0  # the statistical forecast of the day, before customer forecast and events
    )
    customer_rate: float | None = (
        None  # the customer's forecast of the day, when it sent one
    )

    def adjusted(self, order_qty, step, flags=()):
        """This decision with its order changed by a later stage (supply allocation, a
        planner's quantity, load building): the stage is its last step, its note ends
        the reason, its flags are added."""
        return replace(
            self,
            order_qty=order_qty,
            reason=f"{self.reason}; {step.note}",
            steps=(*self.steps, step),
            flags=(*self.flags, *(flag for flag in flags if flag not in self.flags)),
        )

    def to_dict(self):
        """JSON-ready data: the Odoo layer stores it as the line's explanation."""
        data = {name: getattr(self, name) for name in self.__slots__}
        data["steps"] = [step.to_dict() for step in self.steps]
        data["flags"] = list(self.flags)
        for key in ("product", "location"):
            if not isinstance(data[key], str | int | float | None):
                data[key] = str(data[key])
        return data
