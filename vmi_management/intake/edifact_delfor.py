"""UN/EDIFACT DELFOR (delivery schedule, D.96A): the forecast a customer sends.

The envelope, the document number (BGM) and the product ids (LIN, PIA) are
read by :class:`~.edifact.MessageReader`; this module reads the schedule,
one report line per LIN and discrete quantity (QTY+1):

- D.96A groups a quantity with the scheduling conditions and dates that
  follow it (QTY-SCC-DTM): SCC 4017 is 1 (firm) or 4 (planning/forecast);
  DTM 158 and 159 are the first and last day of the quantity's period,
  DTM 2 (delivery date requested) a single day. Other quantities
  (cumulative, received, despatched, backorder) tell the past or a running
  total, not a forecast, and are left aside.
- The location is the ship-to party (NAD+ST) or a place of delivery or
  discharge (LOC+7, LOC+11). In the heading it is the whole message's. The
  detail section (after UNS+D) follows one of two methods: delivery point
  driven, a NAD before the LINs it delivers to; or product driven, a NAD
  within a LIN group for each of its delivery points, whose own quantities
  then only sum up those of its delivery points and are not read again.
- In the heading, DTM 137 (document date) dates the forecast, DTM 158 and
  159 give the schedule's horizon.
"""

from typing import ClassVar

from ..engine.i18n import _
from .edifact import MessageReader, component, element_at, read_interchange
from .types import ParsedReport, ReportLine
from .values import ValueProblem, check_period, to_quantity

DISCRETE_QUANTITY = "1"  # QTY 6063
PLAN_STATUSES = {"1": "firm", "4": "planning/forecast"}  # SCC 4017
SHIP_TO = "ST"  # NAD 3035
LOCATION_QUALIFIERS = {"7", "11"}  # LOC 3227: place of delivery, place of discharge
DOCUMENT_DATE, PERIOD_START, PERIOD_END, DELIVERY_DATE = (
    "137",
    "158",
    "159",
    "2",
)  # DTM 2005


class _ScheduleReader(MessageReader):
    """Reads the DELFOR messages of an interchange; ``bucket`` is the QTY group being
    read."""

    messages: ClassVar[dict[str, str]] = {"DELFOR": "edifact_delfor"}
    expected = "DELFOR (delivery schedule)"

    def __init__(self, report):
        super().__init__(report)
        self.message_location = ""  # the heading's, for every LIN of the message
        self.location = ""  # that of the delivery point whose LINs follow
        self.in_detail = False
        self.by_delivery_point = False
        self.bucket = None

    def read(self, segment):  # pylint: disable=missing-return
        if segment.tag not in ("SCC", "DTM"):  # the end of a QTY-SCC-DTM group
            self.close_bucket()
        super().read(segment)

    def on_unh(self, segment):  # pylint: disable=missing-return
        super().on_unh(segment)
        self.message_location = self.location = ""
        self.in_detail = self.by_delivery_point = False

    def on_uns(self, segment):
        self.flush()
        self.in_detail = component(element_at(segment, 0)) == "D"

    def on_nad(self, segment):
        location = (
            component(element_at(segment, 1))
            if component(element_at(segment, 0)) == SHIP_TO
            else None
        )
        if not self.in_detail:
            if location is not None:
                self.message_location = self.location = location
        elif (
            self.item and not self.by_delivery_point
        ):  # product driven: a delivery point of this LIN
            self.item["by_point"] = True
            self.item["location"] = (
                self.message_location if location is None else location
            )
        else:  # delivery point driven: the point of the LINs that follow
            self.by_delivery_point = True
            self.flush()
            self.location = self.message_location if location is None else location

    def on_loc(self, segment):
        if component(element_at(segment, 0)) not in LOCATION_QUALIFIERS:
            return
        location = component(element_at(segment, 1))
        if self.item:
            self.item["location"] = location
        elif self.in_detail:
            self.location = location
        else:
            self.message_location = self.location = location

    def on_lin(self, segment):  # pylint: disable=missing-return
        super().on_lin(segment)
        self.item.update(location=self.location, buckets=[], by_point=False)

    def on_dtm(self, segment):
        qualifier = component(element_at(segment, 0))
        if self.bucket:
            if qualifier in (PERIOD_START, PERIOD_END, DELIVERY_DATE):
                date = self.read_date(segment, self.bucket["problems"])
                if date:
                    self.bucket["dates"][qualifier] = date
        elif (
            not self.in_detail
            and not self.item
            and qualifier in (DOCUMENT_DATE, PERIOD_START, PERIOD_END)
        ):
            date = self.read_date(segment, self.report.errors)
            if date:
                self._read_heading_date(date)

    def _read_heading_date(self, date):
        if date.qualifier == DOCUMENT_DATE:
            self.state_date(date)
            return
        if date.qualifier == PERIOD_START:
            self.report.horizon_start = date.start.date()
        else:
            self.report.horizon_end = date.end.date()
        try:
            check_period(
                self.report.horizon_start,
                self.report.horizon_end,
                self.where("DTM"),
                _("horizon"),
            )
        except ValueProblem as problem:
            self.error(str(problem))

    def on_qty(self, segment):
        if not self.item:
            self.error(
                _("%(where)s: a quantity outside a LIN group.")
                % {"where": self.where("QTY")}
            )
            return
        qualifier, value, unit = (
            component(element_at(segment, 0), index) for index in range(3)
        )
        if qualifier != DISCRETE_QUANTITY:
            return
        problems = []
        try:
            quantity = to_quantity(value, f"{self.where('QTY')}, C186 6060")
        except ValueProblem as problem:
            problems.append(str(problem))
            quantity = None
        if quantity is None and not problems:
            problems.append(
                _("%(where)s, C186 6060: no quantity.") % {"where": self.where("QTY")}
            )
        self.set_unit(unit)
        self.bucket = {
            "ref": f"segment {self.number} (QTY)",
            "quantity": quantity,
            "location": self.item["location"],
            "sums_up_points": not self.item["by_point"],
            "dates": {},
            "problems": problems,
        }

    def on_scc(self, segment):
        status = component(element_at(segment, 0))
        if self.bucket and status not in PLAN_STATUSES:
            self.bucket["problems"].append(
                _(
                    "%(where)s, 4017: '%(status)s' is not a delivery plan status "
                    "this schedule understands (%(statuses)s)."
                )
                % {
                    "where": self.where("SCC"),
                    "status": status,
                    "statuses": ", ".join(
                        f"{code} {name}" for code, name in PLAN_STATUSES.items()
                    ),
                }
            )

    def close_bucket(self):
        """End the QTY group being read: its dates are all there."""
        if not self.bucket:
            return
        bucket, self.bucket = self.bucket, None
        bucket["start"], bucket["end"] = self._period(bucket)
        self.item["buckets"].append(bucket)

    def _period(self, bucket):
        """The first and last day of a quantity's period; None for what cannot be told
        (saying why)."""
        dates, problems = bucket["dates"], bucket["problems"]
        where = f"{bucket['ref'][:1].upper()}{bucket['ref'][1:]}"
        if PERIOD_START in dates or PERIOD_END in dates:
            first, last = dates.get(PERIOD_START), dates.get(PERIOD_END)
            if not (first and last):
                given, missing = (
                    (PERIOD_START, PERIOD_END) if first else (PERIOD_END, PERIOD_START)
                )
                problems.append(
                    _(
                        "%(where)s: DTM+%(given)s gives one end of the forecast period "
                        "but no DTM+%(missing)s the other; send both, or DTM+2 for "
                        "a single day."
                    )
                    % {"where": where, "given": given, "missing": missing}
                )
            start, end = first and first.start.date(), last and last.end.date()
        elif DELIVERY_DATE in dates:
            start, end = (
                dates[DELIVERY_DATE].start.date(),
                dates[DELIVERY_DATE].end.date(),
            )
        else:
            return None, None
        try:
            check_period(start, end, where, _("forecast period"))
        except ValueProblem as problem:
            problems.append(str(problem))
        return start, end

    def flush(self):
        self.close_bucket()
        if not self.item:
            return
        item, codes = self.item, self.item_codes()
        problems = list(item["problems"])
        if not codes:
            problems.append(self.item_problem(_("no product id.")))
        buckets = [
            bucket
            for bucket in item["buckets"]
            if not (item["by_point"] and bucket["sums_up_points"])
        ]
        if not buckets:
            problems.append(
                self.item_problem(_("no forecast quantity (QTY+1) follows."))
            )
            self.report.lines.append(
                ReportLine(
                    ref=item["ref"],
                    product_codes=codes,
                    location_code=item["location"],
                    uom=item.get("uom", ""),
                    error=" ".join(problems),
                )
            )
        self.report.lines.extend(
            ReportLine(
                ref=bucket["ref"],
                product_codes=codes,
                location_code=bucket["location"],
                forecast=bucket["quantity"],
                forecast_start=bucket["start"],
                forecast_end=bucket["end"],
                uom=item.get("uom", ""),
                error=" ".join(problems + bucket["problems"]) or None,
            )
            for bucket in buckets
        )
        self.item = None


def parse_edifact_delfor(data):
    """A forecast from an EDIFACT interchange holding DELFOR messages: a line per LIN
    and QTY+1."""
    return read_interchange(
        data, _ScheduleReader(ParsedReport(format="edifact_delfor"))
    )
