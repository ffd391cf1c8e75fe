"""ANSI X12 interchanges in: what every transaction set we read shares.

Tokenising is pyx12's: ``RawX12File`` reads the delimiters from the fixed
ISA segment and splits segments, ``pyx12.segment.Segment`` splits elements.
On top of it, :class:`InterchangeReader` checks the envelope (SE segment
count and control number, CTT line count, GE transaction set count and
control number, IEA group count and control number), names the sender and
the document, and hands every other segment to the ``on_<tag>`` method of
the subclass that reads one kind of transaction set (852, 830).
"""

import io

from pyx12.errors import X12Error
from pyx12.rawx12file import RawX12File
from pyx12.segment import Segment

from ..engine.i18n import _
from .values import ValueProblem, segment_ref, to_date, to_quantity

# LIN product id qualifiers, most specific to the customer first: buyer's item, vendor's
# item, GTIN/UPC.
BUYER_IDS = ("IN", "BP", "CB")
VENDOR_IDS = ("VN", "VP", "VA", "SK")
GTIN_IDS = ("UP", "UK", "EN", "UA", "EO", "UI")


def _code_rank(qualifier):
    for rank, group in enumerate((BUYER_IDS, VENDOR_IDS, GTIN_IDS)):
        if qualifier in group:
            return rank
    return 3


def _decode(data):
    return data.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def _delimiters(raw):
    """Segment, element and component delimiters, as the ISA of ``raw`` declares
    them."""
    return raw.get_term()[:3]


def transaction_set_id(data):
    """ST01 of the first transaction set in ``data`` (``"852"``, ``"830"``), or ``""``
    when none can be read.

    The delimiters are the ones the ISA declares, so any the sender chose are
    understood; a document too damaged to tell is left to a parser, which says what is
    wrong with it.
    """
    try:
        raw = RawX12File(io.StringIO(_decode(data)))
        for text_segment in raw:
            segment = Segment(text_segment, *_delimiters(raw))
            if (segment.get_seg_id() or "").upper() == "ST":
                return (segment.get_value("01") or "").strip()
    except (X12Error, IndexError, ValueError, TypeError):
        return ""  # too damaged to tell: the parser says what is wrong with it
    return ""


class Item:
    """One LIN loop being read: its product ids, its unit and what is wrong with it."""

    def __init__(self, number, codes):
        self.number = number
        self.codes = codes
        self.uom = ""
        self.problems = (
            []
            if codes
            else [
                _("%(where)s: no product id.") % {"where": segment_ref(number, "LIN")}
            ]
        )

    def set_uom(self, unit, where):
        """Take the unit of the quantities that follow: the lines of one item carry one
        unit."""
        if unit and self.uom and unit != self.uom:
            self.problems.append(
                _(
                    "%(where)s: unit '%(unit)s' differs from '%(earlier)s' given "
                    "earlier for this product; send all its quantities in one unit."
                )
                % {"where": where, "unit": unit, "earlier": self.uom}
            )
        self.uom = self.uom or unit


class InterchangeReader:
    """Walks the segments of one interchange and fills a :class:`~.types.ParsedReport`.

    A subclass names the transaction set it reads (``transaction_set``,
    ``transaction_name``), reads its segments in ``on_<tag>`` methods, keeps the LIN
    loop being read in ``item`` and turns it into report lines in :meth:`flush_item`,
    which the envelope calls whenever a loop ends. ``report_id`` is the sender's own
    number for the document, when the transaction set gives one.
    """

    transaction_set = ""
    transaction_name = ""

    def __init__(self, report):
        self.report = report
        self.number = 0
        self.isa13 = None
        self.group = None  # [GS segment number, GS06, transaction sets]
        self.groups = 0
        self.transaction = None  # [ST segment number, ST02, LIN count]
        self.first_transaction = (
            None  # (GS06, ST02) of the first transaction set, for the envelope key
        )
        self.report_id = ""
        self.item = None
        self.ended = False

    def error(self, message):
        self.report.errors.append(message)

    def value(self, segment, position):
        """The text of the element at ``position`` (numbered from 1, as in ``LIN02``),
        ``""`` when the segment has no such element.

        What ``segment.get_value("02")`` gives, without parsing a reference
        designator for each of the millions of values a large 852 holds.
        """
        elements = segment.elements
        if position > len(elements):
            return ""
        return (elements[position - 1].format() or "").strip()

    def where(self, tag, position=None):
        """Where a value is, as messages name it: the segment, and the element when
        there is one."""
        element = f", {tag}{position:02d}" if position else ""
        return segment_ref(self.number, tag) + element

    def problem(self, tag, message, **values):
        """Record ``message`` (translated, with its named ``values``) at this
        segment."""
        self.error(message % {"where": segment_ref(self.number, tag), **values})

    def date(self, segment, tag, position, problems):
        """The CCYYMMDD date at ``position``, None when absent or wrong (saying why in
        ``problems``)."""
        try:
            return to_date(
                self.value(segment, position), self.where(tag, position), "%Y%m%d"
            )
        except ValueProblem as problem:
            problems.append(str(problem))
            return None

    def quantity(self, segment, tag, position, problems):
        """The quantity at ``position``, None when absent or wrong (saying why in
        ``problems``)."""
        try:
            return to_quantity(self.value(segment, position), self.where(tag, position))
        except ValueProblem as problem:
            problems.append(str(problem))
            return None

    def product_codes(self, segment):
        """The product ids of a LIN, most specific to the customer first (buyer's,
        vendor's, GTIN)."""
        pairs = [
            (self.value(segment, position), self.value(segment, position + 1))
            for position in range(2, len(segment), 2)
        ]
        return tuple(
            code
            for __, code in sorted(
                ((qualifier, code) for qualifier, code in pairs if code),
                key=lambda pair: _code_rank(pair[0]),
            )
        )

    def flush_item(self):
        """Turn the LIN loop being read, if any, into report lines."""
        raise NotImplementedError

    def read(self, tag, segment):  # pylint: disable=method-required-super
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
            self.problem(
                "GS",
                _(
                    "%(where)s: the functional group started at segment %(start)s "
                    "has no GE."
                ),
                start=self.group[0],
            )
        self.group = [self.number, self.value(segment, 6), 0]
        self.groups += 1
        self._add_sender(self.value(segment, 2))

    def on_ge(self, segment):
        if not self.group:
            self.problem("GE", _("%(where)s: GE without GS."))
            return
        __, control, count = self.group
        if self.value(segment, 1) != str(count):
            self.problem(
                "GE",
                _(
                    "%(where)s: GE01 says %(declared)s transaction sets, "
                    "the functional group has %(count)s."
                ),
                declared=self.value(segment, 1) or _("nothing"),
                count=count,
            )
        if self.value(segment, 2) != control:
            self.problem(
                "GE",
                _("%(where)s: GE02 '%(value)s' does not match GS06 '%(control)s'."),
                value=self.value(segment, 2),
                control=control,
            )
        self.group = None

    def on_st(self, segment):
        if self.transaction:
            self.problem(
                "ST",
                _(
                    "%(where)s: the transaction set started at segment %(start)s "
                    "has no SE."
                ),
                start=self.transaction[0],
            )
        if self.value(segment, 1) != self.transaction_set:
            self.problem(
                "ST",
                _("%(where)s: ST01 is '%(value)s'; expected %(expected)s (%(name)s)."),
                value=self.value(segment, 1),
                expected=self.transaction_set,
                name=self.transaction_name,
            )
        self.transaction = [self.number, self.value(segment, 2), 0]
        if self.group:
            self.group[2] += 1
        if not self.first_transaction:
            self.first_transaction = (
                self.group[1] if self.group else "",
                self.value(segment, 2),
            )

    def on_ctt(self, segment):
        declared = self.value(segment, 1)
        if self.transaction and declared and declared != str(self.transaction[2]):
            self.problem(
                "CTT",
                _(
                    "%(where)s: CTT01 says %(declared)s line items, "
                    "the transaction set has %(count)s."
                ),
                declared=declared,
                count=self.transaction[2],
            )

    def on_se(self, segment):
        self.flush_item()
        if not self.transaction:
            self.problem("SE", _("%(where)s: SE without ST."))
            return
        start, control, __ = self.transaction
        count = self.number - start + 1
        if self.value(segment, 1) != str(count):
            self.problem(
                "SE",
                _(
                    "%(where)s: SE01 says %(declared)s segments, "
                    "the transaction set has %(count)s."
                ),
                declared=self.value(segment, 1) or _("nothing"),
                count=count,
            )
        if self.value(segment, 2) != control:
            self.problem(
                "SE",
                _("%(where)s: SE02 '%(value)s' does not match ST02 '%(control)s'."),
                value=self.value(segment, 2),
                control=control,
            )
        self.transaction = None

    def on_iea(self, segment):
        if self.value(segment, 1) != str(self.groups):
            self.problem(
                "IEA",
                _(
                    "%(where)s: IEA01 says %(declared)s functional groups, "
                    "the interchange has %(count)s."
                ),
                declared=self.value(segment, 1) or _("nothing"),
                count=self.groups,
            )
        if self.value(segment, 2) != self.isa13:
            self.problem(
                "IEA",
                _("%(where)s: IEA02 '%(value)s' does not match ISA13 '%(control)s'."),
                value=self.value(segment, 2),
                control=self.isa13,
            )
        self.ended = True

    def finish(self, leftover):
        self.flush_item()
        if leftover.strip():
            self.error(
                _(
                    "%(where)s: the file ends inside a segment ('%(text)s'); "
                    "it looks truncated."
                )
                % {
                    "where": segment_ref(self.number + 1),
                    "text": leftover.strip()[:20],
                }
            )
        if self.transaction:
            self.error(
                _(
                    "%(where)s: the transaction set has no SE; "
                    "the file looks truncated."
                )
                % {"where": segment_ref(self.transaction[0], "ST")}
            )
        elif self.group:
            self.error(
                _(
                    "%(where)s: the functional group has no GE; "
                    "the file looks truncated."
                )
                % {"where": segment_ref(self.group[0], "GS")}
            )
        elif not self.ended:
            self.error(
                _("%(where)s: the interchange has no IEA; the file looks truncated.")
                % {"where": segment_ref(self.number)}
            )
        self.report.reference = self.report_id or self.envelope_key()

    def envelope_key(self):
        """Sender, interchange, group and transaction set control numbers together:
        translators number each of them on their own (many send ST02 0001 every time),
        so only the four identify a document."""
        if not self.first_transaction:
            return None
        return "/".join(
            (self.report.sender or "", self.isa13 or "", *self.first_transaction)
        )


def read_interchange(data, reader):
    """``reader``'s report of the X12 interchange ``data`` (any number of groups and
    transaction sets).

    Never raises: what cannot be read is an error of the report, and the lines read
    until then are kept.
    """
    try:
        raw = RawX12File(io.StringIO(_decode(data)))
    except X12Error as error:
        reader.error(
            _("%(where)s: not a readable X12 interchange header: %(error)s.")
            % {"where": segment_ref(1, "ISA"), "error": error}
        )
        return reader.report
    try:
        for text_segment in raw:
            reader.number += 1
            segment = Segment(text_segment, *_delimiters(raw))
            reader.read((segment.get_seg_id() or "").upper(), segment)
    except (X12Error, IndexError, ValueError, TypeError) as error:
        reader.error(
            _("%(where)s: cannot be read: %(error)s.")
            % {"where": segment_ref(reader.number), "error": error}
        )
    reader.finish(raw.buffer)
    return reader.report
