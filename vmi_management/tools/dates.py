"""Days as the company lives them: local dates, and where they begin and end in UTC.

Odoo stores datetimes as naive UTC. A planner's "day" is a day in the
company's time zone (its partner's, else the user's, else UTC): demand is
bucketed by it, review weekdays fall on it and a report dated a day means
the end of it. Every conversion between the two goes through here.
"""

from datetime import datetime, time, timedelta

import pytz


def company_tz(company):
    """The time zone the company's days are counted in."""
    return pytz.timezone(company.partner_id.tz or company.env.user.tz or "UTC")


def local_date(moment, tz):
    """The local date, in ``tz``, of a naive UTC datetime."""
    return pytz.utc.localize(moment).astimezone(tz).date()


def day_start(day, tz):
    """The naive UTC datetime at which the local ``day`` begins in ``tz``."""
    return (
        tz.localize(datetime.combine(day, time.min))
        .astimezone(pytz.utc)
        .replace(tzinfo=None)
    )


def day_end(day, tz):
    """The naive UTC datetime at which the local ``day`` ends (the next day begins) in
    ``tz``."""
    return day_start(day + timedelta(days=1), tz)


def spread_over_days(quantity, start, end, tz):
    """``quantity`` consumed evenly from ``start`` to ``end`` (naive UTC), per local day
    of ``tz``.

    Each day gets the share of the period that falls in it, so consumption
    a count reveals after a month is a month of steady demand, not one
    day's spike. A period of no length puts it all on its day.

    :returns: dict ``{local date: quantity}``
    """
    first, last = local_date(start, tz), local_date(end, tz)
    total = (end - start).total_seconds()
    if total <= 0 or first == last:
        return {last: quantity}
    shares = {}
    day = first
    while day <= last:
        overlap = (
            min(end, day_end(day, tz)) - max(start, day_start(day, tz))
        ).total_seconds()
        if overlap > 0:
            shares[day] = quantity * overlap / total
        day += timedelta(days=1)
    return shares
