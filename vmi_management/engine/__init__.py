"""Framework-free replenishment engine of vmi_management.

Plain Python, standard library only, no Odoo: the Odoo layer, the command
line (``python -m vmi_management.engine``) and the tests all call these
functions on plain value objects.
"""

from .demand import Event, demand_outlook
from .forecast import (
    Forecast,
    auto,
    croston,
    demand_statistics,
    demand_std,
    forecast,
    holt,
    holt_winters,
    moving_average,
    sba,
    ses,
    tsb,
)
from .policies import plan, plan_line, round_down, round_up
from .safety_stock import safety_stock, service_factor, statistical_safety_stock
from .status import STATUSES, decision_status, stock_status
from .types import POLICIES, SAFETY_STOCK_MODES, Decision, LineInput, Step

__all__ = [
    "POLICIES",
    "SAFETY_STOCK_MODES",
    "STATUSES",
    "Decision",
    "Event",
    "Forecast",
    "LineInput",
    "Step",
    "auto",
    "croston",
    "demand_outlook",
    "demand_statistics",
    "demand_std",
    "forecast",
    "holt",
    "holt_winters",
    "moving_average",
    "tsb",
    "plan",
    "plan_line",
    "round_down",
    "round_up",
    "safety_stock",
    "sba",
    "service_factor",
    "ses",
    "statistical_safety_stock",
    "decision_status",
    "stock_status",
]
