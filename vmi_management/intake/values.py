"""Reading one quantity or date as sent, with a message a customer can act on when it is
wrong.

Shared by every format, so that the same mistake reads the same whether it
came in a spreadsheet, a JSON line or an EDI segment.
"""

import math
import re
from dataclasses import replace
from datetime import date, datetime

from ..engine.i18n import _

# The days a report may speak of: any real count or period, and narrow enough that
# moving a moment to UTC or a day to a time zone never leaves the calendar.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
NUL, NUL_SHOWN = "\x00", "\\x00"
DIGIT_DIRECTIVES = re.compile(
    r"%[YmdHMS]"
)  # strptime directives of a date or time written in digits


class ValueProblem(ValueError):
    """A value that cannot be accepted; its message names the value and what to send
    instead."""


def to_quantity(raw, where):
    """A non-negative quantity, ``None`` when nothing was sent; raises
    :class:`ValueProblem`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueProblem(
            _("%(where)s: %(value)s is not a number.")
            % {"where": where, "value": repr(raw)}
        )
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # an integer of hundreds of digits
            raise ValueProblem(
                _("%(where)s: %(value)s is too large a quantity.")
                % {"where": where, "value": raw}
            ) from None
    else:
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueProblem(_not_a_number(raw, where)) from None
    if not math.isfinite(value):
        raise ValueProblem(_not_a_number(raw, where))
    if value < 0:
        raise ValueProblem(
            _("%(where)s: %(value)s is negative; report a quantity of 0 or more.")
            % {"where": where, "value": raw}
        )
    return value


def _not_a_number(raw, where):
    return _("%(where)s: '%(value)s' is not a number.") % {"where": where, "value": raw}


def to_date(raw, where, fmt="%Y-%m-%d"):
    """A date (ISO by default), ``None`` when nothing was sent; raises
    :class:`ValueProblem`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return check_range(raw.date(), raw, where)
    if isinstance(raw, date):
        return check_range(raw, raw, where)
    try:
        day = strptime_exact(str(raw).strip(), fmt).date()
    except ValueError:
        shown = {"%Y-%m-%d": "YYYY-MM-DD", "%Y%m%d": "CCYYMMDD"}.get(fmt, fmt)
        raise ValueProblem(
            _("%(where)s: '%(value)s' is not a date (%(format)s).")
            % {"where": where, "value": raw, "format": shown}
        ) from None
    return check_range(day, raw, where)


def strptime_exact(text, fmt):
    """``datetime.strptime``, refusing what it would guess at: a format of digits alone
    (CCYYMMDD, CCYYMMDDHHMM) takes exactly its number of digits, where ``strptime``
    reads '2026111' as some day of January or November; raises ``ValueError``."""
    if not DIGIT_DIRECTIVES.sub("", fmt):
        width = len(datetime(2000, 1, 1).strftime(fmt))
        if not (text.isascii() and text.isdigit() and len(text) == width):
            raise ValueError(f"'{text}' is not {width} digits")
    return datetime.strptime(text, fmt)


def to_moment(raw, where):
    """An ISO date and time as naive UTC (an offset, if sent, is applied), or a
    :class:`date` when only a day was sent (the receiver knows in which time zone that
    day ends); ``None`` when nothing was sent."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, date):
        moment = raw
    else:
        text = str(raw).strip()
        try:
            moment = date.fromisoformat(text)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: FURB162 - Python 3.10 reads no Z
            except ValueError:
                raise ValueProblem(
                    _(
                        "%(where)s: '%(value)s' is not a date and time "
                        "(YYYY-MM-DD HH:MM:SS, UTC)."
                    )
                    % {"where": where, "value": raw}
                ) from None
    check_range(moment.date() if isinstance(moment, datetime) else moment, raw, where)
    if isinstance(moment, datetime) and moment.tzinfo:
        moment = (moment - moment.utcoffset()).replace(tzinfo=None)
    return moment


def check_period(start, end, where, what=None):
    """Raises :class:`ValueProblem` when the ``what`` (a period, a forecast period, a
    horizon) from ``start`` to ``end`` ends before it starts."""
    if start and end and end < start:
        raise ValueProblem(
            _("%(where)s: the %(what)s ends (%(end)s) before it starts (%(start)s).")
            % {"where": where, "what": what or _("period"), "end": end, "start": start}
        )


def check_range(day, raw, where):
    """``day`` when it falls between :data:`EARLIEST` and :data:`LATEST`; raises
    :class:`ValueProblem`."""
    if not EARLIEST <= day <= LATEST:
        raise ValueProblem(
            _(
                "%(where)s: '%(value)s' is out of range; "
                "send a date from %(earliest)s to %(latest)s."
            )
            % {"where": where, "value": raw, "earliest": EARLIEST, "latest": LATEST}
        )
    return day


def segment_ref(number, tag=None):
    """A segment as messages name it: "Segment 12 (LIN)", or "Segment 12"."""
    if tag:
        return _("Segment %(number)s (%(tag)s)") % {"number": number, "tag": tag}
    return _("Segment %(number)s") % {"number": number}


def _shown(text):
    return text.replace(NUL, NUL_SHOWN) if isinstance(text, str) else text


def without_nul(report):
    """``report`` with no NUL character left in its texts, which a database cannot
    store.

    Each NUL is shown as ``\\x00``; a line whose product, location or unit held one is
    rejected, saying where, so that the rest of the report still applies. A NUL
    elsewhere (in a reference, or in a value a message quotes) is only shown.
    """
    report.reference, report.interchange_ref, report.sender = (
        _shown(report.reference),
        _shown(report.interchange_ref),
        _shown(report.sender),
    )
    report.errors = [_shown(error) for error in report.errors]
    lines = []
    for line in report.lines:
        texts = {
            _("product code"): " / ".join(line.product_codes),
            _("location"): line.location_code,
            _("unit"): line.uom,
        }
        problems = [
            _(
                "%(ref)s: the %(label)s '%(text)s' contains a NUL character "
                "(shown as %(shown)s); send it without."
            )
            % {
                "ref": line.ref,
                "label": label,
                "text": _shown(text),
                "shown": NUL_SHOWN,
            }
            for label, text in texts.items()
            if NUL in text
        ]
        if problems or NUL in (line.error or "") or NUL in line.ref:
            line = replace(
                line,
                ref=_shown(line.ref),
                product_codes=tuple(_shown(code) for code in line.product_codes),
                location_code=_shown(line.location_code),
                uom=_shown(line.uom),
                error=" ".join(filter(None, [_shown(line.error)] + problems)) or None,
            )
        lines.append(line)
    report.lines = lines
    return report
