"""How quantities and figures read on the portal and in the review report: the same text in both."""
from odoo.tools import float_repr


def format_quantity(value, digits=2):
    """``value`` with at most ``digits`` decimals and no trailing zeros; empty for no value."""
    if value is None or value is False:
        return ""
    return float_repr(value, digits).rstrip("0").rstrip(".") if digits else float_repr(value, 0)
