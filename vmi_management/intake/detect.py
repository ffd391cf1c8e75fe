"""Which parser a document needs, from its content (and its name for spreadsheets)."""

from .edifact import message_type, parse_edifact
from .edifact_delfor import parse_edifact_delfor
from .tabular import parse_csv, parse_xlsx
from .values import without_nul
from .x12 import parse_x12_852
from .x12_830 import parse_x12_830
from .x12_envelope import transaction_set_id

ZIP_MAGIC = b"PK\x03\x04"

PARSERS = {
    "x12_830": parse_x12_830,
    "x12_852": parse_x12_852,
    "edifact_delfor": parse_edifact_delfor,
    "edifact": parse_edifact,
    "xlsx": parse_xlsx,
    "csv": parse_csv,
}


def detect_format(data, filename=""):
    """The key of the parser for ``data`` in :data:`PARSERS`.

    EDI is told by its first segment, then by its first transaction set (X12 ST01 830
    forecast, else 852) or message (EDIFACT DELFOR forecast, else the stock and sales
    reports, whose parser names the message it found); either is read with the
    delimiters the document declares. An interchange too damaged to tell goes to the
    stock parser, which says what is wrong with it.
    """
    start = data[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"ISA"):
        return "x12_830" if transaction_set_id(data) == "830" else "x12_852"
    if start.startswith((b"UNA", b"UNB")):
        return "edifact_delfor" if message_type(data) == "DELFOR" else "edifact"
    if data.startswith(ZIP_MAGIC) or filename.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def parse_document(data, filename=""):
    """Parse any supported document; never raises, whatever the bytes, and returns only
    storable text."""
    return without_nul(PARSERS[detect_format(data, filename)](data))
