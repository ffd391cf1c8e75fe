"""Co-managed inventory: how far a customer may change a proposed quantity without the
vendor's review.

The agreement sets a tolerance per line, as a share of the proposed
quantity and as a number of units. A change within every limit that is
set is the customer's to make; a change beyond one, or any change when
neither is set, goes to the vendor for review.
"""

EPSILON = 1e-9


def within_tolerance(proposed, requested, percent=0.0, units=0.0):
    """Whether changing ``proposed`` to ``requested`` stays within the tolerance.

    :param percent: the largest change as a share of the proposed quantity, in per cent;
                    0: no such limit
    :param units: the largest change in units; 0: no such limit
    """
    change = abs(requested - proposed)
    if change <= EPSILON:
        return True
    limits = []
    if percent:
        limits.append(change <= proposed * percent / 100.0 + EPSILON)
    if units:
        limits.append(change <= units + EPSILON)
    return bool(limits) and all(limits)
