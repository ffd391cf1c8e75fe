"""Customer stock reports in, advance shipping notices out: framework-free.

Parsers turn a customer's document (CSV, Excel, JSON lines, ANSI X12 852
and 830, UN/EDIFACT INVRPT, SLSRPT and DELFOR) into a :class:`ParsedReport`
of stock, consumption and forecast lines; they never raise on bad input but
say what is wrong, per document and per line, so that the Odoo layer can
keep everything and apply only what is valid. Writers build the X12 856 and
EDIFACT DESADV of a :class:`Shipment`. No Odoo import here.
"""

from .detect import detect_format, parse_document
from .edifact import build_edifact_desadv, parse_edifact
from .edifact_delfor import parse_edifact_delfor
from .tabular import (
    csv_template,
    parse_csv,
    parse_json_lines,
    parse_xlsx,
    xlsx_template,
)
from .types import ParsedReport, ReportLine, Shipment, ShipmentLine
from .x12 import build_x12_856, parse_x12_852
from .x12_830 import parse_x12_830

__all__ = [
    "ParsedReport",
    "ReportLine",
    "Shipment",
    "ShipmentLine",
    "build_edifact_desadv",
    "build_x12_856",
    "csv_template",
    "detect_format",
    "parse_csv",
    "parse_document",
    "parse_edifact",
    "parse_edifact_delfor",
    "parse_json_lines",
    "parse_x12_830",
    "parse_x12_852",
    "parse_xlsx",
    "xlsx_template",
]
