"""Reading one quantity or date as sent, with a message a customer can act on when it is wrong.

Shared by every format, so that the same mistake reads the same whether it
came in a spreadsheet, a JSON line or an EDI segment.
"""
import math
from datetime import date, datetime


class ValueProblem(ValueError):
    """A value that cannot be accepted; its message names the value and what to send instead."""


def to_quantity(raw, where):
    """A non-negative quantity, ``None`` when nothing was sent; raises :class:`ValueProblem`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueProblem(f"{where}: {raw!r} is not a number.")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueProblem(f"{where}: '{raw}' is not a number.") from None
    if not math.isfinite(value):
        raise ValueProblem(f"{where}: '{raw}' is not a number.")
    if value < 0:
        raise ValueProblem(f"{where}: {raw} is negative; report a quantity of 0 or more.")
    return value


def to_date(raw, where, fmt="%Y-%m-%d"):
    """A date (ISO by default), ``None`` when nothing was sent; raises :class:`ValueProblem`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return datetime.strptime(str(raw).strip(), fmt).date()
    except ValueError:
        shown = {"%Y-%m-%d": "YYYY-MM-DD", "%Y%m%d": "CCYYMMDD"}.get(fmt, fmt)
        raise ValueProblem(f"{where}: '{raw}' is not a date ({shown}).") from None


def to_moment(raw, where):
    """An ISO date and time as naive UTC (an offset, if sent, is applied), or a :class:`date` when only a day
    was sent (the receiver knows in which time zone that day ends); ``None`` when nothing was sent."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, date):
        moment = raw
    else:
        text = str(raw).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueProblem(f"{where}: '{raw}' is not a date and time (YYYY-MM-DD HH:MM:SS, UTC).") from None
    if isinstance(moment, datetime) and moment.tzinfo:
        moment = (moment - moment.utcoffset()).replace(tzinfo=None)
    return moment


def check_period(start, end, where):
    if start and end and end < start:
        raise ValueProblem(f"{where}: the period ends ({end}) before it starts ({start}).")
