"""What makes a line's parameters unusable, in words a planner can act on.

The command line reports these per file line; the same rules hold in Odoo,
where the agreement line's constraints enforce them on the form.
"""

from .types import POLICIES, SAFETY_STOCK_MODES

QUANTITY_FIELDS = (
    "on_hand",
    "on_order",
    "committed",
    "min_qty",
    "max_qty",
    "reorder_point",
    "order_qty",
    "target_days",
    "lead_time_days",
    "lead_time_buffer_days",
    "lead_time_std_days",
    "safety_stock_value",
    "moq",
    "capacity",
)


def validate_line(line):
    """Every problem with ``line``'s parameters, as ``(field, message)`` pairs; empty
    when usable.

    ``on_hand`` may not be negative either: a negative count is a data error,
    not a backlog.
    """
    problems = [
        (name, f"{value:g} is negative")
        for name in QUANTITY_FIELDS
        if (value := getattr(line, name)) is not None and value < 0
    ]
    if line.policy not in POLICIES:
        problems.append(
            (
                "policy",
                f"unknown policy '{line.policy}' (expected {', '.join(POLICIES)})",
            )
        )
    elif line.policy == "min_max":
        if line.max_qty is None:
            problems.append(("max_qty", "min_max needs max_qty"))
        elif line.max_qty < (line.min_qty or 0.0):
            problems.append(
                ("max_qty", f"max {line.max_qty:g} is below min {line.min_qty:g}")
            )
    elif line.policy == "reorder_point":
        if line.reorder_point is None:
            problems.append(
                ("reorder_point", "reorder_point policy needs reorder_point")
            )
        if not line.order_qty:
            problems.append(
                ("order_qty", "reorder_point policy needs an order_qty above zero")
            )
    elif not line.target_days:
        problems.append(
            ("target_days", "days_of_supply policy needs target_days above zero")
        )
    for name in ("multiple", "rounding"):
        value = getattr(line, name)
        if value is not None and value <= 0:
            problems.append((name, f"{name} must be above zero (it is {value:g})"))
    if line.safety_stock_mode not in (None, *SAFETY_STOCK_MODES):
        problems.append(
            (
                "safety_stock_mode",
                f"unknown safety stock mode '{line.safety_stock_mode}'",
            )
        )
    if line.safety_stock_mode == "service_level" and not (
        line.service_level is not None and 0 < line.service_level < 1
    ):
        problems.append(
            ("service_level", "service_level must be between 0 and 1 (e.g. 0.95)")
        )
    return problems
