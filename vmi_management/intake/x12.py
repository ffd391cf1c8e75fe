"""ANSI X12: the 852 Product Activity Data a customer sends, the 856 Ship Notice we send
back.

The envelope is read and checked by :mod:`.x12_envelope`; this module reads
the 852's XQ period and report id, N1 default location and LIN/ZA/SDQ
activity.
"""

from collections import defaultdict

from ..engine.i18n import _
from .types import ParsedReport, ReportLine
from .values import ValueProblem, check_period
from .x12_envelope import InterchangeReader, Item, read_interchange, segment_ref

# ZA01 activity codes: those we read, and those recognised but not used for
# replenishment.
ON_HAND, SOLD = "QA", "QS"
OTHER_ACTIVITIES = {
    "QP",
    "QO",
    "QR",
    "QT",
    "QI",
    "QC",
    "QH",
    "QL",
    "QM",
    "QX",
    "QD",
    "QU",
    "QW",
}


class _ActivityItem(Item):
    """One LIN loop of an 852: per location, the activity quantities."""

    def __init__(self, number, codes):
        super().__init__(number, codes)
        self.quantities = defaultdict(dict)

    def add(self, activity, location, quantity):
        if activity == ON_HAND:
            self.quantities[location]["on_hand"] = quantity
        elif activity == SOLD:
            self.quantities[location]["consumed"] = (
                self.quantities[location].get("consumed", 0.0) + quantity
            )

    def lines(self, period_start, period_end):
        problem = " ".join(self.problems) or None
        quantities = self.quantities or ({"": {}} if problem else {})
        if not quantities:
            problem = _("%(where)s: no on-hand (QA) or sold (QS) quantity follows.") % {
                "where": segment_ref(self.number, "LIN")
            }
            quantities = {"": {}}
        return [
            ReportLine(
                ref=f"segment {self.number} (LIN)"
                + (f", location {location}" if location else ""),
                product_codes=self.codes,
                location_code=location,
                on_hand=values.get("on_hand"),
                consumed=values.get("consumed"),
                period_start=period_start,
                period_end=period_end,
                uom=self.uom,
                error=problem,
            )
            for location, values in quantities.items()
        ]


class _ActivityReader(InterchangeReader):
    """Reads the 852 transaction sets of an interchange."""

    transaction_set, transaction_name = "852", "Product Activity Data"

    def __init__(self, report):
        super().__init__(report)
        self.default_location = ""
        self.activity = None

    def flush_item(self):
        if self.item:
            self.report.lines.extend(
                self.item.lines(self.report.period_start, self.report.period_end)
            )
            self.item = None

    def on_xq(self, segment):
        start = self.date(segment, "XQ", 2, self.report.errors)
        end = self.date(segment, "XQ", 3, self.report.errors)
        try:
            check_period(start, end, self.where("XQ"))
        except ValueProblem as problem:
            self.error(str(problem))
        self.report.period_start, self.report.period_end = start, end or start
        self.report.as_of_date = (
            self.report.period_end
        )  # XQ dates its figures by the day only
        self.report_id = self.value(segment, 4) or self.report_id

    def on_n1(self, segment):
        if not self.item and self.value(segment, 4):
            self.default_location = self.value(segment, 4)

    def on_lin(self, segment):
        self.flush_item()
        self.item = _ActivityItem(self.number, self.product_codes(segment))
        self.activity = None

    def on_za(self, segment):
        if not self.item:
            self.problem("ZA", _("%(where)s: activity outside a LIN loop."))
            return
        code = self.value(segment, 1)
        self.activity = code
        if code not in (ON_HAND, SOLD) and code not in OTHER_ACTIVITIES:
            self.item.problems.append(
                _(
                    "%(where)s: '%(code)s' is not an activity code this report "
                    "understands (QA on hand, QS sold)."
                )
                % {"where": self.where("ZA", 1), "code": code}
            )
            return
        if self.value(segment, 2):
            quantity = self.quantity(segment, "ZA", 2, self.item.problems)
            self.item.set_uom(self.value(segment, 3), self.where("ZA", 3))
            if quantity is not None:
                self.item.add(code, self.default_location, quantity)

    def on_sdq(self, segment):
        if not self.item or not self.activity:
            self.problem("SDQ", _("%(where)s: quantities outside a LIN/ZA loop."))
            return
        self.item.set_uom(self.value(segment, 1), self.where("SDQ", 1))
        values = [
            self.value(segment, position) for position in range(3, len(segment) + 1)
        ]
        while values and not values[-1]:
            values.pop()
        if len(values) % 2:
            self.item.problems.append(
                _(
                    "%(where)s: %(count)s values after SDQ02; "
                    "locations and quantities come in pairs."
                )
                % {"where": segment_ref(self.number, "SDQ"), "count": len(values)}
            )
            return
        for position in range(0, len(values), 2):
            quantity = self.quantity(segment, "SDQ", position + 4, self.item.problems)
            if quantity is not None:
                self.item.add(self.activity, values[position], quantity)


def parse_x12_852(data):
    """A report from an X12 852 interchange (any number of transaction sets)."""
    return read_interchange(data, _ActivityReader(ParsedReport(format="x12_852")))


# ----------------------------------------------------------------------
# 856 Ship Notice/Manifest
# ----------------------------------------------------------------------

SEGMENT_END, ELEMENT_SEP, COMPONENT_SEP = "~", "*", ">"


def _clean(value):
    """An element value with no delimiter in it."""
    text = "" if value is None else str(value)
    for delimiter in (SEGMENT_END, ELEMENT_SEP, COMPONENT_SEP, "\n", "\r"):
        text = text.replace(delimiter, " ")
    return text.strip()


def _number(quantity):
    return f"{quantity:.3f}".rstrip("0").rstrip(".")


def build_x12_856(shipment):
    """The shipment as an X12 004010 856: shipment, order and item levels, envelope
    counts right."""
    control = f"{shipment.control_number:09d}"
    shipped = shipment.date_shipped
    body = [
        ["ST", "856", "0001"],
        ["BSN", "00", _clean(shipment.number), f"{shipped:%Y%m%d}", f"{shipped:%H%M}"],
        ["HL", "1", "", "S"],
        ["DTM", "011", f"{shipped:%Y%m%d}"],
    ]
    if shipment.date_expected:
        body.append(["DTM", "017", f"{shipment.date_expected:%Y%m%d}"])
    body += [
        ["N1", "SF", _clean(shipment.sender_name), "92", _clean(shipment.sender_id)],
        [
            "N1",
            "ST",
            _clean(shipment.ship_to_name),
            "92",
            _clean(shipment.ship_to_code),
        ],
        ["HL", "2", "1", "O"],
        ["PRF", _clean(shipment.order_ref) or _clean(shipment.number)],
    ]
    for position, line in enumerate(shipment.lines, 3):
        lin = ["LIN", str(position - 2), "VN", _clean(line.product_code)]
        if line.customer_code:
            lin += ["BP", _clean(line.customer_code)]
        if line.lot:
            lin += ["LT", _clean(line.lot)]
        body += [
            ["HL", str(position), "2", "I"],
            lin,
            ["SN1", "", _number(line.quantity), _clean(line.uom) or "EA"],
            ["PID", "F", "", "", "", _clean(line.description)],
        ]
    body.append(["CTT", str(len(shipment.lines))])
    body.append(["SE", str(len(body) + 1), "0001"])
    sender, receiver = (
        _clean(shipment.sender_id)[:15],
        _clean(shipment.receiver_id)[:15],
    )
    envelope_start = [
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            sender.ljust(15),
            "ZZ",
            receiver.ljust(15),
            f"{shipped:%y%m%d}",
            f"{shipped:%H%M}",
            "U",
            "00401",
            control,
            "0",
            "P",
            COMPONENT_SEP,
        ],
        [
            "GS",
            "SH",
            sender,
            receiver,
            f"{shipped:%Y%m%d}",
            f"{shipped:%H%M}",
            str(shipment.control_number),
            "X",
            "004010",
        ],
    ]
    envelope_end = [["GE", "1", str(shipment.control_number)], ["IEA", "1", control]]
    return "".join(
        ELEMENT_SEP.join(segment) + SEGMENT_END + "\n"
        for segment in envelope_start + body + envelope_end
    )
