"""UN/EDIFACT: INVRPT (inventory) and SLSRPT (sales) in, DESADV (despatch advice) out,
with pydifact.

pydifact tokenises and serialises (it honours the UNA service characters
and the release character). :class:`MessageReader` checks the envelope
(UNH message types, UNT and UNZ counts and references) and reads what every
message we take shares: the document number (BGM), dates (DTM) and product
ids (LIN, PIA). :class:`_StockReader` reads the EANCOM-style content of
stock and sales reports (LOC, QTY); :mod:`.edifact_delfor` reads forecasts.
"""

import warnings
from collections import namedtuple
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from pydifact.exceptions import (
    EDISyntaxError,
    MissingImplementationWarning,
    ValidationError,
)
from pydifact.parser import Parser
from pydifact.segmentcollection import Interchange, Message
from pydifact.segments import Segment

from ..engine.i18n import _
from .types import ParsedReport, ReportLine
from .values import (
    ValueProblem,
    check_period,
    check_range,
    segment_ref,
    strptime_exact,
    to_quantity,
)

# QTY qualifiers (6063): read, or recognised and left aside.
ON_HAND, SOLD = "145", "153"
OTHER_QUANTITIES = {"146", "97", "98", "197", "198", "1", "12", "21", "46", "47", "160"}
LOCATION_QUALIFIERS = {"14", "18", "7", "162", "11", "20"}
# PIA item ids (7143): buyer's (IN), supplier's (SA), then the LIN's own (GTIN) last.
PIA_RANK = {"IN": 0, "BP": 0, "SA": 1, "VN": 1}


def component(element, index=0):
    """Component ``index`` of an element as pydifact gives it (a string, or a list of
    components)."""
    if isinstance(element, list):
        return (element[index] if index < len(element) else "") or ""
    return (element or "") if index == 0 else ""


def element_at(segment, index):
    """Element ``index`` of ``segment``, empty when the sender left it out."""
    return segment.elements[index] if index < len(segment.elements) else ""


# A DTM read: its qualifier (2005), its first and last moment (the same one unless it
# gives a period, format 718), and whether the sender gave a time of day.
EdiDate = namedtuple("EdiDate", "qualifier start end timed")
# Date formats (2379) that carry a time of day; the others (102, 718) give days only.
TIMED_FORMATS = {"203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}


def _edi_date(value, fmt_code):
    """An EDIFACT date (formats 102 CCYYMMDD, 203 CCYYMMDDHHMM, 718 CCYYMMDD-CCYYMMDD)
    as (start, end)."""
    formats = {"102": "%Y%m%d", **TIMED_FORMATS}
    if fmt_code == "718":
        start, __, end = value.partition("-")
        return strptime_exact(start, "%Y%m%d"), strptime_exact(end, "%Y%m%d")
    moment = strptime_exact(value, formats.get(fmt_code or "102", "%Y%m%d"))
    return moment, moment


def message_type(data):
    """The message type (UNH S009 0065) of the first message in ``data``, or ``""`` when
    none can be read.

    The service characters are the ones the UNA declares, so any the sender chose are
    understood; a document too damaged to tell is left to a parser, which says what is
    wrong with it.
    """
    try:
        for segment in read_segments(_decode(data)):
            if segment.tag == "UNH":
                return component(element_at(segment, 1))
    except (
        EDISyntaxError,
        ValidationError,
        ValueError,
        IndexError,
        TypeError,
        AttributeError,
    ):
        return ""  # too damaged to tell: the parser says what is wrong with it
    return ""


class MessageReader:
    """Walks the segments of one interchange and fills a :class:`~.types.ParsedReport`.

    A subclass names the messages it reads (``messages``: message type to report format,
    the first one accepted naming the report's; ``expected`` says them to a sender),
    reads their content in ``on_<tag>`` methods and keeps the LIN group being read in
    ``item``, a dict with at least ``ref`` and ``codes`` (rank, code), which
    :meth:`flush` turns into report lines whenever a group ends.
    """

    messages: ClassVar[dict[str, str]] = {}
    expected = ""

    def __init__(self, report):
        self.report = report
        self.number = 0
        self.message_start = None
        self.message_ref = None
        self.first_message_ref = ""
        self.item = None
        self.has_message = False
        self.messages_read = 0
        self.ended = False
        self.stated = {}  # DTM qualifier -> the datetime, or the date alone, it gives

    def error(self, message):
        self.report.errors.append(message)

    def where(self, tag):
        return segment_ref(self.number, tag)

    def read(self, segment):  # pylint: disable=method-required-super
        handler = getattr(self, f"on_{segment.tag.lower()}", None)
        if handler:
            handler(segment)

    def flush(self):
        """Turn the LIN group being read, if any, into report lines."""
        raise NotImplementedError

    def read_date(self, segment, problems):
        """A DTM as an :data:`EdiDate`, or None when its date is wrong (saying why in
        ``problems``)."""
        qualifier, value, fmt_code = (
            component(element_at(segment, 0), index) for index in range(3)
        )
        try:
            start, end = _edi_date(value, fmt_code)
        except ValueError:
            problems.append(
                _(
                    "%(where)s, C507 2380: '%(value)s' is not a date in format "
                    "%(format)s."
                )
                % {
                    "where": self.where("DTM"),
                    "value": value,
                    "format": fmt_code or "102",
                }
            )
            return None
        try:
            for moment in (start, end):
                check_range(moment.date(), value, f"{self.where('DTM')}, C507 2380")
        except ValueProblem as problem:
            problems.append(str(problem))
            return None
        return EdiDate(qualifier, start, end, fmt_code in TIMED_FORMATS)

    def state_date(self, date):
        """Keep an :data:`EdiDate` that may say when the figures are true (see
        :meth:`resolve_as_of`)."""
        self.stated[date.qualifier] = date.end if date.timed else date.end.date()

    def on_unb(self, segment):
        self.report.sender = component(element_at(segment, 1))
        self.report.sender_ids = [self.report.sender] if self.report.sender else []
        self.report.interchange_ref = component(element_at(segment, 4))

    def on_unh(self, segment):
        self.flush()
        self.message_start, self.message_ref = (
            self.number,
            component(element_at(segment, 0)),
        )
        self.first_message_ref = self.first_message_ref or self.message_ref
        kind = component(element_at(segment, 1))
        if kind not in self.messages:
            self.error(
                _(
                    "%(where)s: message type '%(kind)s' is not accepted; "
                    "send %(expected)s messages."
                )
                % {"where": self.where("UNH"), "kind": kind, "expected": self.expected}
            )
        elif (
            self.report.format not in self.messages.values()
        ):  # the first message accepted names the report's
            self.report.format = self.messages[kind]
        self.has_message = True

    def on_bgm(self, segment):
        self.report.reference = (
            component(element_at(segment, 1)) or self.report.reference
        )

    def on_lin(self, segment):
        self.flush()
        code = component(element_at(segment, 2))
        self.item = {
            "ref": f"segment {self.number} (LIN)",
            "codes": [(2, code)] if code else [],
            "problems": [],
        }

    def on_pia(self, segment):
        if not self.item:
            return
        for element in segment.elements[1:]:
            code, kind = component(element, 0), component(element, 1)
            if code:
                self.item["codes"].append((PIA_RANK.get(kind, 2), code))

    def item_codes(self):
        """The product ids of the item, most specific to the customer first, each
        once."""
        return tuple(
            dict.fromkeys(
                code
                for __, code in sorted(self.item["codes"], key=lambda pair: pair[0])
            )
        )

    def item_problem(self, text):
        """``text`` about the item as a whole, which names where it starts."""
        return f"{self.item['ref'][:1].upper()}{self.item['ref'][1:]}: {text}"

    def set_unit(self, unit):
        """Take the unit of a quantity of the item: the lines of one item carry one
        unit."""
        if unit and self.item.setdefault("uom", unit) != unit:
            self.item["problems"].append(
                _(
                    "%(where)s, C186 6411: unit '%(unit)s' differs from '%(earlier)s' "
                    "given earlier for this product; "
                    "send all its quantities in one unit."
                )
                % {
                    "where": self.where("QTY"),
                    "unit": unit,
                    "earlier": self.item["uom"],
                }
            )

    def on_unt(self, segment):
        self.flush()
        if self.message_start is None:
            self.error(_("%(where)s: UNT without UNH.") % {"where": self.where("UNT")})
            return
        count = self.number - self.message_start + 1
        if component(element_at(segment, 0)) != str(count):
            self.error(
                _(
                    "%(where)s, 0074: says %(declared)s segments, the message has "
                    "%(count)s."
                )
                % {
                    "where": self.where("UNT"),
                    "declared": component(element_at(segment, 0)) or _("nothing"),
                    "count": count,
                }
            )
        if component(element_at(segment, 1)) != self.message_ref:
            self.error(
                _("%(where)s, 0062: '%(value)s' does not match UNH '%(control)s'.")
                % {
                    "where": self.where("UNT"),
                    "value": component(element_at(segment, 1)),
                    "control": self.message_ref,
                }
            )
        self.message_start = None
        self.messages_read += 1

    def on_unz(self, segment):
        self.ended = True
        if component(element_at(segment, 1)) != self.report.interchange_ref:
            self.error(
                _("%(where)s, 0020: '%(value)s' does not match UNB '%(control)s'.")
                % {
                    "where": self.where("UNZ"),
                    "value": component(element_at(segment, 1)),
                    "control": self.report.interchange_ref,
                }
            )
        if component(element_at(segment, 0)) != str(self.messages_read):
            self.error(
                _(
                    "%(where)s, 0036: says %(declared)s messages, "
                    "the interchange has %(count)s."
                )
                % {
                    "where": self.where("UNZ"),
                    "declared": component(element_at(segment, 0)),
                    "count": self.messages_read,
                }
            )

    def finish(self):
        self.flush()
        if self.message_start is not None:
            self.error(
                _("%(where)s: the message has no UNT; the file looks truncated.")
                % {"where": segment_ref(self.message_start, "UNH")}
            )
        elif not self.ended:
            self.error(
                _("%(where)s: the interchange has no UNZ; the file looks truncated.")
                % {"where": segment_ref(self.number)}
            )
        self.resolve_as_of()
        if not self.report.reference and self.first_message_ref:
            # without a document number (BGM), the envelope identifies the document:
            # sender, interchange and message references together, each numbered by the
            # sender on its own
            self.report.reference = "/".join(
                (
                    self.report.sender or "",
                    self.report.interchange_ref or "",
                    self.first_message_ref,
                )
            )
        if not self.has_message and not self.report.errors:
            self.error(
                _("The interchange holds no message; send %(expected)s messages.")
                % {"expected": self.expected}
            )

    def resolve_as_of(self):
        """The moment the figures describe: the inventory report date (366), else the
        end of the period reported, else the document date (137), which says when the
        message was written rather than what its figures describe. A date without a time
        is left as a day (``as_of_date``)."""
        as_of = (
            self.stated.get("366") or self.report.period_end or self.stated.get("137")
        )
        if isinstance(as_of, datetime):
            self.report.as_of = as_of
        else:
            self.report.as_of_date = as_of


class _StockReader(MessageReader):
    """Reads stock (INVRPT) and sales (SLSRPT) reports: a line per LIN group."""

    messages: ClassVar[dict[str, str]] = {
        "INVRPT": "edifact_invrpt",
        "SLSRPT": "edifact_slsrpt",
    }
    expected = "INVRPT (stock report) or SLSRPT (sales report)"

    def __init__(self, report):
        super().__init__(report)
        self.location = ""

    def on_dtm(self, segment):
        date = self.read_date(segment, self.report.errors)
        if not date:
            return
        qualifier = date.qualifier
        if qualifier in ("366", "137"):
            self.state_date(date)
        elif qualifier in ("356", "90", "91"):
            start_date, end_date = date.start.date(), date.end.date()
            if qualifier == "91":
                self.report.period_end = end_date
            else:
                self.report.period_start = start_date
                if qualifier == "356":
                    self.report.period_end = end_date
            try:
                check_period(
                    self.report.period_start, self.report.period_end, self.where("DTM")
                )
            except ValueProblem as problem:
                self.error(str(problem))

    def on_loc(self, segment):
        if component(element_at(segment, 0)) in LOCATION_QUALIFIERS:
            location = component(element_at(segment, 1))
            if self.item:
                self.item["location"] = location
            else:
                self.location = location

    def on_lin(self, segment):  # pylint: disable=missing-return
        super().on_lin(segment)
        self.item["location"] = self.location

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
        if qualifier not in (ON_HAND, SOLD):
            if qualifier not in OTHER_QUANTITIES:
                self.item["problems"].append(
                    _(
                        "%(where)s, C186 6063: qualifier '%(qualifier)s' is not one "
                        "this report understands (145 on hand, 153 sold)."
                    )
                    % {"where": self.where("QTY"), "qualifier": qualifier}
                )
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
        self.set_unit(unit)

    def flush(self):
        if not self.item:
            return
        item = self.item
        problems = list(item["problems"])
        if not item["codes"]:
            problems.append(self.item_problem(_("no product id.")))
        if (
            item.get("on_hand") is None
            and item.get("consumed") is None
            and not problems
        ):
            problems.append(
                self.item_problem(_("no on-hand (QTY+145) or sold (QTY+153) quantity."))
            )
        self.report.lines.append(
            ReportLine(
                ref=item["ref"],
                product_codes=self.item_codes(),
                location_code=item["location"],
                on_hand=item.get("on_hand"),
                consumed=item.get("consumed"),
                uom=item.get("uom", ""),
                error=" ".join(problems) or None,
            )
        )
        self.item = None

    def finish(self):  # pylint: disable=missing-return
        super().finish()
        if self.report.period_start or self.report.period_end:
            self.report.lines = [
                replace(
                    line,
                    period_start=self.report.period_start,
                    period_end=self.report.period_end,
                )
                for line in self.report.lines
            ]


def read_segments(text):
    """pydifact's segments; it ships no segment directories, so its own validation only
    warns that it cannot run, and the checks the readers make stand in for it (they also
    say what an empty segment, which pydifact warns about, lacks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingImplementationWarning)
        warnings.filterwarnings("ignore", category=SyntaxWarning, module="pydifact")
        yield from Parser().parse(text)


def _decode(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.lstrip("\ufeff \t\r\n")


def read_interchange(data, reader):
    """``reader``'s report of the EDIFACT interchange ``data``.

    Never raises: what cannot be read is an error of the report, and the lines read
    until then are kept.
    """
    report = reader.report
    try:
        for segment in read_segments(_decode(data)):
            if segment.tag == "UNA":
                continue
            reader.number += 1
            if reader.number == 1 and segment.tag != "UNB":
                report.errors.append(
                    _("%(where)s: an interchange starts with UNB.")
                    % {"where": segment_ref(1, segment.tag)}
                )
                return report
            reader.read(segment)
    except (
        EDISyntaxError,
        ValidationError,
        ValueError,
        IndexError,
        TypeError,
        AttributeError,
    ) as error:
        report.errors.append(
            _("%(where)s: cannot be read: %(error)s.")
            % {"where": segment_ref(reader.number + 1), "error": error}
        )
    if not reader.number:
        report.errors.append(
            _("The document is empty: an EDIFACT interchange starts with UNA or UNB.")
        )
        return report
    reader.finish()
    return report


def parse_edifact(data):
    """A report from an EDIFACT interchange holding INVRPT or SLSRPT messages."""
    return read_interchange(data, _StockReader(ParsedReport(format="edifact")))


def build_edifact_desadv(shipment):
    """The shipment as an EDIFACT D.96A DESADV, serialised by pydifact."""
    control = str(shipment.control_number)
    interchange = Interchange(
        sender=[shipment.sender_id, "ZZZ"],
        recipient=[shipment.receiver_id, "ZZZ"],
        control_reference=control,
        syntax_identifier=("UNOC", 3),
        timestamp=shipment.date_shipped,
    )
    message = Message("1", ["DESADV", "D", "96A", "UN", "EAN005"])
    segments = [
        Segment("BGM", "351", shipment.number, "9"),
        Segment("DTM", ["11", f"{shipment.date_shipped:%Y%m%d%H%M}", "203"]),
    ]
    if shipment.date_expected:
        segments.append(
            Segment("DTM", ["17", f"{shipment.date_expected:%Y%m%d%H%M}", "203"])
        )
    segments += [
        Segment("RFF", ["ON", shipment.order_ref or shipment.number]),
        Segment("NAD", "SU", [shipment.sender_id, "", "92"], "", shipment.sender_name),
        Segment(
            "NAD", "BY", [shipment.receiver_id, "", "92"], "", shipment.receiver_name
        ),
        Segment(
            "NAD", "DP", [shipment.ship_to_code, "", "92"], "", shipment.ship_to_name
        ),
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
