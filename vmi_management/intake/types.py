"""The shapes parsers produce and writers consume."""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class ReportLine:
    """One product at one location as the customer reported it.

    ``forecast`` is the total quantity the customer expects to consume from
    ``forecast_start`` to ``forecast_end``, both days included: a forecast
    document (X12 830, EDIFACT DELFOR) gives one line per product, location
    and period, a spreadsheet row at most one. A forecast sent without its
    period leaves both days None; the Odoo layer then takes it for the 7 days
    after the report's as-of day. A spreadsheet or JSON row that gives one
    day only leaves the other None, for the Odoo layer to complete.

    ``error`` says why the line cannot be accepted as parsed; the line is
    returned anyway, so that nothing the customer sent is lost.
    """

    ref: str
    product_codes: tuple[str, ...]
    location_code: str = ""
    on_hand: float | None = None
    consumed: float | None = None
    forecast: float | None = None
    period_start: date | None = None
    period_end: date | None = None
    forecast_start: date | None = None
    forecast_end: date | None = None
    uom: str = ""
    error: str | None = None


@dataclass
class ParsedReport:
    """A whole document: its identity, its period, its lines and what is wrong with it
    as a whole.

    When the sender gives the moment its figures describe, it is ``as_of``
    (naive UTC). When it gives only a day (an X12 XQ period end, an EDIFACT
    date without a time), it is ``as_of_date``: the figures are true at the
    end of that day in the receiver's time zone, which a parser does not know.

    ``reference`` identifies the document for recognising a repeat: the
    sender's own report number when it gives one (X12 XQ04, EDIFACT BGM),
    else its envelope's control numbers, which translators make unique per
    sender only together (X12 ISA06/ISA13/GS06/ST02, EDIFACT UNB sender,
    UNB reference and UNH reference). ``sender_ids`` are the sender ids the
    envelope names (X12 ISA06 and each GS02, EDIFACT UNB sender).

    A forecast document has no period of its own: its lines give theirs.
    ``horizon_start`` and ``horizon_end`` are the days its sender says the
    whole schedule spans (X12 830 BFR06/BFR07, DELFOR DTM 158/159 in its
    heading), which a receiver may take as the span this schedule replaces.
    """

    format: str
    reference: str | None = None
    interchange_ref: str | None = None
    sender: str | None = None
    sender_ids: list[str] = field(default_factory=list)
    as_of: datetime | None = None
    as_of_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    horizon_start: date | None = None
    horizon_end: date | None = None
    lines: list[ReportLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ShipmentLine:
    product_code: str
    customer_code: str
    description: str
    quantity: float
    uom: str = "EA"
    lot: str = ""


@dataclass(frozen=True)
class Shipment:
    """What an advance shipping notice says, whatever its syntax."""

    number: str
    date_shipped: datetime
    date_expected: datetime | None
    order_ref: str
    sender_id: str
    sender_name: str
    receiver_id: str
    receiver_name: str
    ship_to_code: str
    ship_to_name: str
    lines: list[ShipmentLine]
    control_number: int
