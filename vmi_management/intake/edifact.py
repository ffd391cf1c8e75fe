"""UN/EDIFACT: INVRPT (inventory) and SLSRPT (sales) in, DESADV (despatch advice) out, with pydifact.

pydifact tokenises and serialises (it honours the UNA service characters
and the release character); this module reads the EANCOM-style content
(BGM, DTM, LOC, LIN, PIA, QTY) and checks the envelope counts (UNT, UNZ).
"""
import warnings
from dataclasses import replace
from datetime import datetime

from pydifact.exceptions import EDISyntaxError, MissingImplementationWarning, ValidationError
from pydifact.parser import Parser
from pydifact.segmentcollection import Interchange, Message
from pydifact.segments import Segment

from .types import ParsedReport, ReportLine
from .values import ValueProblem, check_period, check_range, to_quantity

MESSAGES = {"INVRPT": "edifact_invrpt", "SLSRPT": "edifact_slsrpt"}
# QTY qualifiers (6063): read, or recognised and left aside.
ON_HAND, SOLD = "145", "153"
OTHER_QUANTITIES = {"146", "97", "98", "197", "198", "1", "12", "21", "46", "47", "160"}
LOCATION_QUALIFIERS = {"14", "18", "7", "162", "11", "20"}
# PIA item ids (7143): buyer's (IN), supplier's (SA), then the LIN's own (GTIN) last.
PIA_RANK = {"IN": 0, "BP": 0, "SA": 1, "VN": 1}


def _component(element, index=0):
    if isinstance(element, list):
        return (element[index] if index < len(element) else "") or ""
    return (element or "") if index == 0 else ""


def _element(segment, index):
    return segment.elements[index] if index < len(segment.elements) else ""


# Date formats (2379) that carry a time of day; the others (102, 718) give days only.
TIMED_FORMATS = {"203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}


def _edi_date(value, fmt_code):
    """An EDIFACT date (formats 102 CCYYMMDD, 203 CCYYMMDDHHMM, 718 CCYYMMDD-CCYYMMDD) as (start, end)."""
    formats = {"102": "%Y%m%d", **TIMED_FORMATS}
    if fmt_code == "718":
        start, __, end = value.partition("-")
        return datetime.strptime(start, "%Y%m%d"), datetime.strptime(end, "%Y%m%d")
    moment = datetime.strptime(value, formats.get(fmt_code or "102", "%Y%m%d"))
    return moment, moment


class _Reader:
    def __init__(self, report):
        self.report = report
        self.number = 0
        self.message_start = None
        self.message_ref = None
        self.first_message_ref = ""
        self.location = ""
        self.item = None
        self.messages = 0
        self.ended = False
        self.stated = {}  # DTM qualifier -> the datetime, or the date alone, it gives

    def error(self, message):
        self.report.errors.append(message)

    def where(self, tag):
        return f"Segment {self.number} ({tag})"

    def read(self, segment):
        handler = getattr(self, f"on_{segment.tag.lower()}", None)
        if handler:
            handler(segment)

    def on_unb(self, segment):
        self.report.sender = _component(_element(segment, 1))
        self.report.sender_ids = [self.report.sender] if self.report.sender else []
        self.report.interchange_ref = _component(_element(segment, 4))

    def on_unh(self, segment):
        self.message_start, self.message_ref = self.number, _component(_element(segment, 0))
        self.first_message_ref = self.first_message_ref or self.message_ref
        message_type = _component(_element(segment, 1))
        if self.report.format == "edifact":
            if message_type not in MESSAGES:
                self.error(f"{self.where('UNH')}: message type '{message_type}' is not accepted; send INVRPT "
                           "(stock report) or SLSRPT (sales report) messages.")
            self.report.format = MESSAGES.get(message_type, "edifact")

    def on_bgm(self, segment):
        self.report.reference = _component(_element(segment, 1)) or self.report.reference

    def on_dtm(self, segment):
        qualifier, value, fmt_code = (_component(_element(segment, 0), index) for index in range(3))
        try:
            start, end = _edi_date(value, fmt_code)
        except ValueError:
            self.error(f"{self.where('DTM')}, C507 2380: '{value}' is not a date in format {fmt_code or '102'}.")
            return
        try:
            for moment in (start, end):
                check_range(moment.date(), value, f"{self.where('DTM')}, C507 2380")
        except ValueProblem as problem:
            self.error(str(problem))
            return
        if qualifier in ("366", "137"):
            self.stated[qualifier] = end if fmt_code in TIMED_FORMATS else end.date()
        elif qualifier in ("356", "90", "91"):
            start_date, end_date = start.date(), end.date()
            if qualifier == "91":
                self.report.period_end = end_date
            else:
                self.report.period_start = start_date
                if qualifier == "356":
                    self.report.period_end = end_date
            try:
                check_period(self.report.period_start, self.report.period_end, self.where("DTM"))
            except ValueProblem as problem:
                self.error(str(problem))

    def on_loc(self, segment):
        if _component(_element(segment, 0)) in LOCATION_QUALIFIERS:
            location = _component(_element(segment, 1))
            if self.item:
                self.item["location"] = location
            else:
                self.location = location

    def on_lin(self, segment):
        self.flush()
        code = _component(_element(segment, 2))
        self.item = {"ref": f"segment {self.number} (LIN)", "codes": [(2, code)] if code else [],
                     "location": self.location, "problems": []}

    def on_pia(self, segment):
        if not self.item:
            return
        for element in segment.elements[1:]:
            code, kind = _component(element, 0), _component(element, 1)
            if code:
                self.item["codes"].append((PIA_RANK.get(kind, 2), code))

    def on_qty(self, segment):
        if not self.item:
            self.error(f"{self.where('QTY')}: a quantity outside a LIN group.")
            return
        qualifier, value, unit = (_component(_element(segment, 0), index) for index in range(3))
        if qualifier not in (ON_HAND, SOLD):
            if qualifier not in OTHER_QUANTITIES:
                self.item["problems"].append(f"{self.where('QTY')}, C186 6063: qualifier '{qualifier}' is not one "
                                             "this report understands (145 on hand, 153 sold).")
            return
        try:
            quantity = to_quantity(value, f"{self.where('QTY')}, C186 6060")
        except ValueProblem as problem:
            self.item["problems"].append(str(problem))
            return
        if quantity is None:
            return
        if qualifier == ON_HAND:
            self.item["on_hand"] = quantity
        else:
            self.item["consumed"] = (self.item.get("consumed") or 0.0) + quantity
        if unit and self.item.setdefault("uom", unit) != unit:
            self.item["problems"].append(f"{self.where('QTY')}, C186 6411: unit '{unit}' differs from "
                                         f"'{self.item['uom']}' given earlier for this product; send all its "
                                         "quantities in one unit.")

    def on_unt(self, segment):
        self.flush()
        if self.message_start is None:
            self.error(f"{self.where('UNT')}: UNT without UNH.")
            return
        count = self.number - self.message_start + 1
        if _component(_element(segment, 0)) != str(count):
            self.error(f"{self.where('UNT')}, 0074: says {_component(_element(segment, 0)) or 'nothing'} segments, "
                       f"the message has {count}.")
        if _component(_element(segment, 1)) != self.message_ref:
            self.error(f"{self.where('UNT')}, 0062: '{_component(_element(segment, 1))}' does not match UNH "
                       f"'{self.message_ref}'.")
        self.message_start = None
        self.messages += 1

    def on_unz(self, segment):
        self.ended = True
        if _component(_element(segment, 1)) != self.report.interchange_ref:
            self.error(f"{self.where('UNZ')}, 0020: '{_component(_element(segment, 1))}' does not match UNB "
                       f"'{self.report.interchange_ref}'.")
        if _component(_element(segment, 0)) != str(self.messages):
            self.error(f"{self.where('UNZ')}, 0036: says {_component(_element(segment, 0))} messages, the "
                       f"interchange has {self.messages}.")

    def flush(self):
        if not self.item:
            return
        item = self.item
        problems = list(item["problems"])
        if not item["codes"]:
            problems.append(f"{item['ref'][:1].upper()}{item['ref'][1:]}: no product id.")
        if item.get("on_hand") is None and item.get("consumed") is None and not problems:
            problems.append(f"{item['ref'][:1].upper()}{item['ref'][1:]}: no on-hand (QTY+145) or sold "
                            "(QTY+153) quantity.")
        codes = tuple(dict.fromkeys(code for __, code in sorted(item["codes"], key=lambda pair: pair[0])))
        self.report.lines.append(ReportLine(
            ref=item["ref"], product_codes=codes, location_code=item["location"], on_hand=item.get("on_hand"),
            consumed=item.get("consumed"), uom=item.get("uom", ""), error=" ".join(problems) or None,
        ))
        self.item = None

    def finish(self):
        self.flush()
        if self.message_start is not None:
            self.error(f"Segment {self.message_start} (UNH): the message has no UNT; the file looks truncated.")
        elif not self.ended:
            self.error(f"Segment {self.number}: the interchange has no UNZ; the file looks truncated.")
        self.resolve_as_of()
        if not self.report.reference and self.first_message_ref:
            # without a document number (BGM), the envelope identifies the document: sender, interchange
            # and message references together, each numbered by the sender on its own
            self.report.reference = "/".join((self.report.sender or "", self.report.interchange_ref or "",
                                              self.first_message_ref))
        if self.report.period_start or self.report.period_end:
            self.report.lines = [
                replace(line, period_start=self.report.period_start, period_end=self.report.period_end)
                for line in self.report.lines
            ]

    def resolve_as_of(self):
        """The moment the figures describe: the inventory report date (366), else the end of the period
        reported, else the document date (137), which says when the message was written rather than what
        its figures describe. A date without a time is left as a day (``as_of_date``)."""
        as_of = self.stated.get("366") or self.report.period_end or self.stated.get("137")
        if isinstance(as_of, datetime):
            self.report.as_of = as_of
        else:
            self.report.as_of_date = as_of


def read_segments(text):
    """pydifact's segments; it ships no segment directories, so its own validation only warns that it
    cannot run, and the checks this reader makes stand in for it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingImplementationWarning)
        yield from Parser().parse(text)


def parse_edifact(data):
    """A report from an EDIFACT interchange holding INVRPT or SLSRPT messages."""
    report = ParsedReport(format="edifact")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    reader = _Reader(report)
    try:
        for segment in read_segments(text.lstrip("\ufeff \t\r\n")):
            if segment.tag == "UNA":
                continue
            reader.number += 1
            if reader.number == 1 and segment.tag != "UNB":
                report.errors.append(f"Segment 1 ({segment.tag}): an interchange starts with UNB.")
                return report
            reader.read(segment)
    except (EDISyntaxError, ValidationError, ValueError, IndexError, TypeError, AttributeError) as error:
        report.errors.append(f"Segment {reader.number + 1}: cannot be read: {error}.")
    if not reader.number:
        report.errors.append("The document is empty: an EDIFACT interchange starts with UNA or UNB.")
        return report
    reader.finish()
    if report.format == "edifact" and not report.errors:
        report.errors.append("The interchange holds no message; send INVRPT (stock report) or SLSRPT (sales "
                             "report) messages.")
    return report


def build_edifact_desadv(shipment):
    """The shipment as an EDIFACT D.96A DESADV, serialised by pydifact."""
    control = str(shipment.control_number)
    interchange = Interchange(
        sender=[shipment.sender_id, "ZZZ"], recipient=[shipment.receiver_id, "ZZZ"],
        control_reference=control, syntax_identifier=("UNOC", 3), timestamp=shipment.date_shipped,
    )
    message = Message("1", ["DESADV", "D", "96A", "UN", "EAN005"])
    segments = [
        Segment("BGM", "351", shipment.number, "9"),
        Segment("DTM", ["11", f"{shipment.date_shipped:%Y%m%d%H%M}", "203"]),
    ]
    if shipment.date_expected:
        segments.append(Segment("DTM", ["17", f"{shipment.date_expected:%Y%m%d%H%M}", "203"]))
    segments += [
        Segment("RFF", ["ON", shipment.order_ref or shipment.number]),
        Segment("NAD", "SU", [shipment.sender_id, "", "92"], "", shipment.sender_name),
        Segment("NAD", "BY", [shipment.receiver_id, "", "92"], "", shipment.receiver_name),
        Segment("NAD", "DP", [shipment.ship_to_code, "", "92"], "", shipment.ship_to_name),
        Segment("CPS", "1"),
    ]
    for position, line in enumerate(shipment.lines, 1):
        segments.append(Segment("LIN", str(position), "", [line.product_code, "SA"]))
        if line.customer_code:
            segments.append(Segment("PIA", "5", [line.customer_code, "IN"]))
        segments += [
            Segment("IMD", "F", "", ["", "", "", line.description[:35]]),
            Segment("QTY", ["12", f"{line.quantity:g}", line.uom or "PCE"]),
        ]
        if line.lot:
            segments.append(Segment("GIN", "BX", line.lot))
    message.add_segments(segments)
    interchange.add_message(message)
    return interchange.serialize(break_lines=True)
