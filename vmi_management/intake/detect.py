"""Which parser a document needs, from its first bytes (and its name for spreadsheets)."""
from .edifact import parse_edifact
from .tabular import parse_csv, parse_xlsx
from .values import without_nul
from .x12 import parse_x12_852

ZIP_MAGIC = b"PK\x03\x04"


def detect_format(data, filename=""):
    """``x12_852``, ``edifact``, ``xlsx`` or ``csv``."""
    start = data[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"ISA"):
        return "x12_852"
    if start.startswith((b"UNA", b"UNB")):
        return "edifact"
    if data.startswith(ZIP_MAGIC) or filename.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def parse_document(data, filename=""):
    """Parse any supported document; never raises, whatever the bytes, and returns only storable text."""
    return without_nul({
        "x12_852": parse_x12_852,
        "edifact": parse_edifact,
        "xlsx": parse_xlsx,
        "csv": parse_csv,
    }[detect_format(data, filename)](data))
