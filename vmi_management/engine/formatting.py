"""Numbers in the engine's explanations, as a planner reads them.

A quantity (on hand, position, thresholds, an order, an MOQ, a capacity...)
reads at the precision of its product's unit: the unit's rounding (0.01, 1,
0.001) says how many decimals it has; a quantity whose unit is not known
reads with 2. Other figures (demand rates, days, service levels, statistical
factors) read with 3. Either way a number is rounded half up, loses its
trailing zeros and never reads "-0": 45, 12.5, 0.333.
"""

from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from math import isfinite

QUANTITY_DECIMALS = 2  # a quantity whose unit's rounding is not known
FIGURE_DECIMALS = 3  # rates, days, service levels, statistical factors
MAX_DECIMALS = 6  # the finest a unit's rounding is read to (Odoo stores 6 digits)

# enough significant digits for any float at MAX_DECIMALS: quantize never overflows
_CONTEXT = Context(prec=400)


# The float path of format_number: 10 ** decimals, and the format of each
_SCALES = tuple(10.0**decimals for decimals in range(MAX_DECIMALS + 1))
_FORMATS = tuple(f".{decimals}f" for decimals in range(MAX_DECIMALS + 1))
# Below this many units of the last decimal, a float, its repr and its product by
# 10 ** decimals are within 2e-4 units of one another...
_FLOAT_LIMIT = 1e12
# ...so a number further than this from a tie (x.5 units) rounds the same either way.
_TIE_MARGIN = 1e-3


@lru_cache(maxsize=4096)
def format_number(number, decimals=FIGURE_DECIMALS):
    """``number`` rounded half up to ``decimals`` decimals, without trailing zeros,
    never "-0": 45, 12.5, 0.333.

    Half up applies to the number as written (its ``repr``): 2.675 reads 2.68,
    although the float is a little below. Formatting the float directly gives
    the same text unless the number is within float noise of such a tie, the
    only case taken through :class:`~decimal.Decimal`, with numbers too large
    for the float's digits to be read that close. A reason formats a dozen
    numbers per line, a plan hundreds of thousands of lines, most of them
    seen before (lead times, whole quantities, service levels): the texts are
    cached too.
    """
    if 0 <= decimals <= MAX_DECIMALS:
        units = abs(number) * _SCALES[decimals]
        if units < _FLOAT_LIMIT and abs(units % 1.0 - 0.5) > _TIE_MARGIN:
            return _plain(format(number, _FORMATS[decimals]))
    if not isfinite(number):
        return str(number)
    return _format_exact(repr(number), decimals)


def _format_exact(written, decimals):
    """:func:`format_number` of a number as written, through decimal arithmetic."""
    rounded = Decimal(written).quantize(
        Decimal(1).scaleb(-decimals), ROUND_HALF_UP, _CONTEXT
    )
    return _plain(f"{rounded:f}")


def _plain(text):
    """A fixed-point number without its trailing zeros, and "0" for zero ("-0.00")."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@lru_cache(maxsize=64)
def unit_decimals(rounding=None):
    """The decimals a quantity of a unit with this ``rounding`` reads with: 0.01 → 2,
    1 → 0, 0.5 → 1, 0.25 → 2, 0.001 → 3; :data:`QUANTITY_DECIMALS` without a
    rounding (None, 0)."""
    if not rounding or rounding <= 0 or not isfinite(rounding):
        return QUANTITY_DECIMALS
    exponent = Decimal(repr(float(rounding))).normalize().as_tuple().exponent
    return min(max(-exponent, 0), MAX_DECIMALS)


@lru_cache(maxsize=4096)
def format_qty(number, rounding=None):
    """A quantity at the precision of its unit: ``rounding`` is the unit's (the
    product's unit of measure rounding), None where it is not known. Cached, as
    :func:`format_number` is.

    ``format_qty(35.002, 0.01)`` → "35", ``format_qty(142.885, 1)`` → "143",
    ``format_qty(12.345)`` → "12.35".
    """
    return format_number(number, unit_decimals(rounding))
