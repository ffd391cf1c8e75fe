"""ANSI X12: the 852 Product Activity Data a customer sends, the 856 Ship Notice we send back.

Tokenising is pyx12's: ``RawX12File`` reads the delimiters from the fixed
ISA segment and splits segments, ``pyx12.segment.Segment`` splits elements.
On top of it, this module checks the envelope (SE segment count and
control number, CTT line count, GE transaction set count and control number,
IEA group count and control number) and reads the 852's XQ period and report
id, N1 default location and LIN/ZA/SDQ activity.
"""
import io
from collections import defaultdict
from pyx12.errors import X12Error
from pyx12.rawx12file import RawX12File
from pyx12.segment import Segment

from .types import ParsedReport, ReportLine
from .values import ValueProblem, check_period, to_date, to_quantity

# LIN product id qualifiers, most specific to the customer first: buyer's item, vendor's item, GTIN/UPC.
BUYER_IDS = ("IN", "BP", "CB")
VENDOR_IDS = ("VN", "VP", "VA", "SK")
GTIN_IDS = ("UP", "UK", "EN", "UA", "EO", "UI")
# ZA01 activity codes: those we read, and those recognised but not used for replenishment.
ON_HAND, SOLD = "QA", "QS"
OTHER_ACTIVITIES = {"QP", "QO", "QR", "QT", "QI", "QC", "QH", "QL", "QM", "QX", "QD", "QU", "QW"}


def _code_rank(qualifier):
    for rank, group in enumerate((BUYER_IDS, VENDOR_IDS, GTIN_IDS)):
        if qualifier in group:
            return rank
    return 3


class _Item:
    """One LIN loop being read: its codes and, per location, the activity quantities."""

    def __init__(self, number, codes, uom=""):
        self.number = number
        self.codes = codes
        self.uom = uom
        self.quantities = defaultdict(dict)
        self.problems = []

    def set_uom(self, unit, where):
        """Take the unit of the quantities that follow (ZA03, SDQ01): the lines of one item carry one unit."""
        if unit and self.uom and unit != self.uom:
            self.problems.append(f"{where}: unit '{unit}' differs from '{self.uom}' given earlier for this "
                                 "product; send all its quantities in one unit.")
        self.uom = self.uom or unit

    def add(self, activity, location, quantity):
        if activity == ON_HAND:
            self.quantities[location]["on_hand"] = quantity
        elif activity == SOLD:
            self.quantities[location]["consumed"] = self.quantities[location].get("consumed", 0.0) + quantity

    def lines(self, period_start, period_end):
        problem = " ".join(self.problems) or None
        quantities = self.quantities or ({"": {}} if problem else {})
        if not quantities:
            problem = f"Segment {self.number} (LIN): no on-hand (QA) or sold (QS) quantity follows."
            quantities = {"": {}}
        return [
            ReportLine(
                ref=f"segment {self.number} (LIN)" + (f", location {location}" if location else ""),
                product_codes=self.codes, location_code=location, on_hand=values.get("on_hand"),
                consumed=values.get("consumed"), period_start=period_start, period_end=period_end,
                uom=self.uom, error=problem,
            )
            for location, values in quantities.items()
        ]


class _Reader:
    """Walks the segments of one interchange and fills a :class:`ParsedReport`."""

    def __init__(self, report):
        self.report = report
        self.number = 0
        self.isa13 = None
        self.group = None  # [GS segment number, GS06, transaction sets]
        self.groups = 0
        self.transaction = None  # (ST segment number, ST02, LIN count)
        self.first_transaction = None  # (GS06, ST02) of the first transaction set, for the envelope key
        self.report_id = ""  # XQ04
        self.default_location = ""
        self.item = None
        self.activity = None
        self.ended = False

    def error(self, message):
        self.report.errors.append(message)

    def value(self, segment, position):
        return (segment.get_value(f"{position:02d}") or "").strip()

    def date(self, segment, tag, position):
        try:
            return to_date(self.value(segment, position), f"Segment {self.number} ({tag}), {tag}{position:02d}",
                           "%Y%m%d")
        except ValueProblem as problem:
            self.error(str(problem))
            return None

    def quantity(self, segment, tag, position):
        where = f"Segment {self.number} ({tag}), {tag}{position:02d}"
        try:
            return to_quantity(self.value(segment, position), where)
        except ValueProblem as problem:
            if self.item:
                self.item.problems.append(str(problem))
            return None

    def flush_item(self):
        if self.item:
            self.report.lines.extend(self.item.lines(self.report.period_start, self.report.period_end))
            self.item = None

    def read(self, tag, segment):
        handler = getattr(self, f"on_{tag.lower()}", None)
        if self.transaction:
            self.transaction[2] += tag == "LIN"
        if handler:
            handler(segment)

    def on_isa(self, segment):
        self.isa13 = self.value(segment, 13)
        self.report.interchange_ref = self.isa13
        self.report.sender = self.value(segment, 6)
        self._add_sender(self.report.sender)

    def _add_sender(self, sender):
        if sender and sender not in self.report.sender_ids:
            self.report.sender_ids.append(sender)

    def on_gs(self, segment):
        if self.group:
            self.error(f"Segment {self.number} (GS): the functional group started at segment {self.group[0]} "
                       "has no GE.")
        self.group = [self.number, self.value(segment, 6), 0]
        self.groups += 1
        self._add_sender(self.value(segment, 2))

    def on_ge(self, segment):
        if not self.group:
            self.error(f"Segment {self.number} (GE): GE without GS.")
            return
        start, control, count = self.group
        if self.value(segment, 1) != str(count):
            self.error(f"Segment {self.number} (GE): GE01 says {self.value(segment, 1) or 'nothing'} transaction "
                       f"sets, the functional group has {count}.")
        if self.value(segment, 2) != control:
            self.error(f"Segment {self.number} (GE): GE02 '{self.value(segment, 2)}' does not match GS06 "
                       f"'{control}'.")
        self.group = None

    def on_st(self, segment):
        if self.transaction:
            self.error(f"Segment {self.number} (ST): the transaction set started at segment "
                       f"{self.transaction[0]} has no SE.")
        if self.value(segment, 1) != "852":
            self.error(f"Segment {self.number} (ST): ST01 is '{self.value(segment, 1)}'; expected 852 "
                       "(Product Activity Data).")
        self.transaction = [self.number, self.value(segment, 2), 0]
        if self.group:
            self.group[2] += 1
        if not self.first_transaction:
            self.first_transaction = (self.group[1] if self.group else "", self.value(segment, 2))

    def on_xq(self, segment):
        start, end = self.date(segment, "XQ", 2), self.date(segment, "XQ", 3)
        try:
            check_period(start, end, f"Segment {self.number} (XQ)")
        except ValueProblem as problem:
            self.error(str(problem))
        self.report.period_start, self.report.period_end = start, end or start
        self.report.as_of_date = self.report.period_end  # XQ dates its figures by the day only
        self.report_id = self.value(segment, 4) or self.report_id

    def on_n1(self, segment):
        if not self.item and self.value(segment, 4):
            self.default_location = self.value(segment, 4)

    def on_lin(self, segment):
        self.flush_item()
        pairs = [(self.value(segment, position), self.value(segment, position + 1))
                 for position in range(2, len(segment), 2)]
        codes = tuple(code for __, code in sorted(
            ((qualifier, code) for qualifier, code in pairs if code), key=lambda pair: _code_rank(pair[0])))
        self.item = _Item(self.number, codes)
        if not codes:
            self.item.problems.append(f"Segment {self.number} (LIN): no product id.")
        self.activity = None

    def on_za(self, segment):
        if not self.item:
            self.error(f"Segment {self.number} (ZA): activity outside a LIN loop.")
            return
        code = self.value(segment, 1)
        self.activity = code
        if code not in (ON_HAND, SOLD) and code not in OTHER_ACTIVITIES:
            self.item.problems.append(
                f"Segment {self.number} (ZA), ZA01: '{code}' is not an activity code this report understands "
                "(QA on hand, QS sold).")
            return
        if self.value(segment, 2):
            quantity = self.quantity(segment, "ZA", 2)
            self.item.set_uom(self.value(segment, 3), f"Segment {self.number} (ZA), ZA03")
            if quantity is not None:
                self.item.add(code, self.default_location, quantity)

    def on_sdq(self, segment):
        if not self.item or not self.activity:
            self.error(f"Segment {self.number} (SDQ): quantities outside a LIN/ZA loop.")
            return
        self.item.set_uom(self.value(segment, 1), f"Segment {self.number} (SDQ), SDQ01")
        values = [self.value(segment, position) for position in range(3, len(segment) + 1)]
        while values and not values[-1]:
            values.pop()
        if len(values) % 2:
            self.item.problems.append(
                f"Segment {self.number} (SDQ): {len(values)} values after SDQ02; locations and quantities "
                "come in pairs.")
            return
        for position in range(0, len(values), 2):
            quantity = self.quantity(segment, "SDQ", position + 4)
            if quantity is not None:
                self.item.add(self.activity, values[position], quantity)

    def on_ctt(self, segment):
        declared = self.value(segment, 1)
        if self.transaction and declared and declared != str(self.transaction[2]):
            self.error(f"Segment {self.number} (CTT): CTT01 says {declared} line items, the transaction set has "
                       f"{self.transaction[2]}.")

    def on_se(self, segment):
        self.flush_item()
        if not self.transaction:
            self.error(f"Segment {self.number} (SE): SE without ST.")
            return
        start, control, __ = self.transaction
        count = self.number - start + 1
        if self.value(segment, 1) != str(count):
            self.error(f"Segment {self.number} (SE): SE01 says {self.value(segment, 1) or 'nothing'} segments, "
                       f"the transaction set has {count}.")
        if self.value(segment, 2) != control:
            self.error(f"Segment {self.number} (SE): SE02 '{self.value(segment, 2)}' does not match ST02 "
                       f"'{control}'.")
        self.transaction = None

    def on_iea(self, segment):
        if self.value(segment, 1) != str(self.groups):
            self.error(f"Segment {self.number} (IEA): IEA01 says {self.value(segment, 1) or 'nothing'} functional "
                       f"groups, the interchange has {self.groups}.")
        if self.value(segment, 2) != self.isa13:
            self.error(f"Segment {self.number} (IEA): IEA02 '{self.value(segment, 2)}' does not match ISA13 "
                       f"'{self.isa13}'.")
        self.ended = True

    def finish(self, leftover):
        self.flush_item()
        if leftover.strip():
            self.error(f"Segment {self.number + 1}: the file ends inside a segment ('{leftover.strip()[:20]}'); "
                       "it looks truncated.")
        if self.transaction:
            self.error(f"Segment {self.transaction[0]} (ST): the transaction set has no SE; the file looks "
                       "truncated.")
        elif self.group:
            self.error(f"Segment {self.group[0]} (GS): the functional group has no GE; the file looks truncated.")
        elif not self.ended:
            self.error(f"Segment {self.number}: the interchange has no IEA; the file looks truncated.")
        self.report.reference = self.report_id or self.envelope_key()

    def envelope_key(self):
        """Sender, interchange, group and transaction set control numbers together: translators number
        each of them on their own (many send ST02 0001 every time), so only the four identify a document."""
        if not self.first_transaction:
            return None
        return "/".join((self.report.sender or "", self.isa13 or "", *self.first_transaction))


def parse_x12_852(data):
    """A report from an X12 852 interchange (any number of transaction sets)."""
    report = ParsedReport(format="x12_852")
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    try:
        raw = RawX12File(io.StringIO(text))
    except X12Error as error:
        report.errors.append(f"Segment 1 (ISA): not a readable X12 interchange header: {error}.")
        return report
    seg_term, ele_term, subele_term, __, __ = raw.get_term()
    reader = _Reader(report)
    try:
        for text_segment in raw:
            reader.number += 1
            segment = Segment(text_segment, seg_term, ele_term, subele_term)
            reader.read((segment.get_seg_id() or "").upper(), segment)
    except (X12Error, IndexError, ValueError, TypeError) as error:
        report.errors.append(f"Segment {reader.number}: cannot be read: {error}.")
    reader.finish(raw.buffer)
    return report


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
    """The shipment as an X12 004010 856: shipment, order and item levels, envelope counts right."""
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
        ["N1", "ST", _clean(shipment.ship_to_name), "92", _clean(shipment.ship_to_code)],
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
    sender, receiver = _clean(shipment.sender_id)[:15], _clean(shipment.receiver_id)[:15]
    envelope_start = [
        ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15), "ZZ", receiver.ljust(15),
         f"{shipped:%y%m%d}", f"{shipped:%H%M}", "U", "00401", control, "0", "P", COMPONENT_SEP],
        ["GS", "SH", sender, receiver, f"{shipped:%Y%m%d}", f"{shipped:%H%M}", str(shipment.control_number), "X",
         "004010"],
    ]
    envelope_end = [["GE", "1", str(shipment.control_number)], ["IEA", "1", control]]
    return "".join(ELEMENT_SEP.join(segment) + SEGMENT_END + "\n"
                   for segment in envelope_start + body + envelope_end)
