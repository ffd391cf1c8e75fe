"""ANSI X12 830 Planning Schedule with Release Capability: the forecast a customer
sends.

The envelope is read and checked by :mod:`.x12_envelope`; this module reads
the BFR (schedule number, horizon, issue date), the ship-to (N1 ST, in the
heading or in a LIN loop), each LIN with its unit (UIT) and each of its
forecast buckets (FST), one report line per bucket.

A bucket's quantity is its total over its period: FST04 is its first day,
and its last is FST05 when the sender gives it (required for a flexible
interval), else follows from the timing qualifier FST03: the same day for a
discrete date, six days later for a week (X12's weekly bucket runs Monday
through Sunday, FST04 being its first day), the end of the month for a
month.
"""

import calendar
from dataclasses import replace
from datetime import timedelta

from ..engine.i18n import _
from .types import ParsedReport, ReportLine
from .values import ValueProblem, check_period, check_range
from .x12_envelope import InterchangeReader, Item, read_interchange, segment_ref

SHIP_TO = "ST"
# FST02, the sender's confidence in the quantity: each is a requirement to plan for.
FORECAST_QUALIFIERS = {"A": "immediate", "C": "firm", "D": "planning"}
# FST03, how FST04 (and FST05) delimit the bucket.
DISCRETE, WEEKLY, MONTHLY, FLEXIBLE = "D", "W", "M", "F"
TIMING_QUALIFIERS = {
    DISCRETE: "discrete",
    WEEKLY: "weekly",
    MONTHLY: "monthly",
    FLEXIBLE: "flexible interval",
}
# BFR05: quantities that are each the requirement of its own bucket (actual discrete,
# replacement), unlike cumulative (C) or net change (D) ones, which only add up with
# quantities sent before.
DISCRETE_QUANTITIES = ("A", "R")


def _codes(qualifiers):
    return ", ".join(f"{code} {name}" for code, name in qualifiers.items())


def bucket_end(start, timing):
    """The last day of the discrete, weekly or monthly bucket (FST03 ``timing``) that
    starts on ``start``."""
    if timing == WEEKLY:
        return start + timedelta(days=6)
    if timing == MONTHLY:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start  # DISCRETE: the day itself


class _ScheduleItem(Item):
    """One LIN loop of an 830: its ship-to and a line per bucket, completed with the
    item's product ids, unit and problems once the loop ends (its unit, or a second one,
    may come after some of its FSTs)."""

    def __init__(self, number, codes, location):
        super().__init__(number, codes)
        self.location = location
        self.lines = []

    def report_lines(self):
        """The lines of its buckets, each also saying what is wrong with the item as a
        whole."""
        if not self.lines:
            problems = [
                *self.problems,
                _("%(where)s: no forecast (FST) follows.")
                % {"where": segment_ref(self.number, "LIN")},
            ]
            return [
                ReportLine(
                    ref=f"segment {self.number} (LIN)",
                    product_codes=self.codes,
                    location_code=self.location,
                    uom=self.uom,
                    error=" ".join(problems),
                )
            ]
        return [
            replace(
                line,
                product_codes=self.codes,
                uom=self.uom,
                error=" ".join(filter(None, [*self.problems, line.error])) or None,
            )
            for line in self.lines
        ]


class _ScheduleReader(InterchangeReader):
    """Reads the 830 transaction sets of an interchange."""

    transaction_set, transaction_name = (
        "830",
        "Planning Schedule with Release Capability",
    )

    def __init__(self, report):
        super().__init__(report)
        self.ship_to = ""

    def flush_item(self):
        if self.item:
            self.report.lines.extend(self.item.report_lines())
            self.item = None

    def on_st(self, segment):  # pylint: disable=missing-return
        super().on_st(segment)
        self.ship_to = ""  # each transaction set names its own

    def on_bfr(self, segment):
        """The schedule's number, horizon and issue date.

        BFR02 (the schedule's number) and BFR03 (the release number) together identify
        the document; BFR04 (ship, delivery or consumption based dates) changes nothing
        here: each is a requirement to plan for on the days given.
        """
        self.report_id = (
            "/".join(filter(None, (self.value(segment, 2), self.value(segment, 3))))
            or self.report_id
        )
        quantities = self.value(segment, 5)
        if quantities and quantities not in DISCRETE_QUANTITIES:
            self.error(
                _(
                    "%(where)s: the schedule's quantities are '%(quantities)s', "
                    "not the quantity of each bucket; send actual discrete (A) or "
                    "replacement (R) quantities."
                )
                % {"where": self.where("BFR", 5), "quantities": quantities}
            )
        start = self.date(segment, "BFR", 6, self.report.errors)
        end = self.date(segment, "BFR", 7, self.report.errors)
        try:
            check_period(start, end, self.where("BFR"), _("horizon"))
        except ValueProblem as problem:
            self.error(str(problem))
        self.report.horizon_start, self.report.horizon_end = start, end
        self.report.as_of_date = (
            self.date(segment, "BFR", 8, self.report.errors) or self.report.as_of_date
        )

    def on_n1(self, segment):
        if self.value(segment, 1) != SHIP_TO:
            return
        location = self.value(segment, 4)
        if self.item:
            self.item.location = location
        else:
            self.ship_to = location

    def on_lin(self, segment):
        self.flush_item()
        self.item = _ScheduleItem(
            self.number, self.product_codes(segment), self.ship_to
        )

    def on_uit(self, segment):
        if not self.item:
            self.problem("UIT", _("%(where)s: a unit outside a LIN loop."))
            return
        self.item.set_uom(
            (segment.get_value("01-1") or "").strip(), self.where("UIT", 1)
        )

    def on_fst(self, segment):
        if not self.item:
            self.problem(
                "FST",
                _(
                    "%(where)s: a forecast outside a LIN loop; "
                    "send each FST after the LIN of its product."
                ),
            )
            return
        problems = []
        if not self.value(segment, 1):
            problems.append(
                _("%(where)s: no quantity.") % {"where": self.where("FST", 1)}
            )
        quantity = self.quantity(segment, "FST", 1, problems)
        qualifier, timing = self.value(segment, 2), self.value(segment, 3)
        if qualifier not in FORECAST_QUALIFIERS:
            problems.append(
                _(
                    "%(where)s: '%(code)s' is not a forecast qualifier "
                    "this schedule understands (%(codes)s)."
                )
                % {
                    "where": self.where("FST", 2),
                    "code": qualifier,
                    "codes": _codes(FORECAST_QUALIFIERS),
                }
            )
        if timing not in TIMING_QUALIFIERS:
            problems.append(
                _(
                    "%(where)s: '%(code)s' is not a timing qualifier "
                    "this schedule understands (%(codes)s)."
                )
                % {
                    "where": self.where("FST", 3),
                    "code": timing,
                    "codes": _codes(TIMING_QUALIFIERS),
                }
            )
        start, end = self._bucket(segment, timing, problems)
        self.item.lines.append(
            ReportLine(
                ref=f"segment {self.number} (FST)",
                product_codes=(),
                location_code=self.item.location,
                forecast=quantity,
                forecast_start=start,
                forecast_end=end,
                error=" ".join(problems) or None,
            )
        )

    def _bucket(self, segment, timing, problems):
        """The first and last day of an FST's bucket; None for what cannot be told
        (saying why)."""
        if not self.value(segment, 4):
            problems.append(
                _("%(where)s: no date; send the first day of the forecast.")
                % {"where": self.where("FST", 4)}
            )
        start = self.date(segment, "FST", 4, problems)
        end = self.date(segment, "FST", 5, problems)
        if timing == FLEXIBLE and not self.value(segment, 5):
            problems.append(
                _("%(where)s: a flexible interval (F) needs its last day.")
                % {"where": self.where("FST", 5)}
            )
        if (
            start
            and not self.value(segment, 5)
            and timing in (DISCRETE, WEEKLY, MONTHLY)
        ):
            try:
                last_day = bucket_end(start, timing)
                end = check_range(last_day, last_day, self.where("FST", 3))
            except ValueProblem as problem:
                problems.append(str(problem))
        try:
            check_period(start, end, self.where("FST"), _("forecast period"))
        except ValueProblem as problem:
            problems.append(str(problem))
        return start, end


def parse_x12_830(data):
    """A forecast from an X12 830 interchange (any number of transaction sets): a line
    per LIN and FST."""
    return read_interchange(data, _ScheduleReader(ParsedReport(format="x12_830")))
