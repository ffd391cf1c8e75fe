"""How quantities and figures read on the portal, in the review report and on the
back-office scorecard: the same text everywhere."""

from odoo.tools import float_repr


def format_quantity(value, digits=2, undefined=""):
    """``value`` with at most ``digits`` decimals and no trailing zeros.

    :param undefined: the text for no value (None or False): empty for a
        quantity left blank, "n/a" for a KPI the period does not define
    """
    if value is None or value is False:
        return undefined
    return (
        float_repr(value, digits).rstrip("0").rstrip(".")
        if digits
        else float_repr(value, 0)
    )
