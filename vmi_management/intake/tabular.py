"""Reports as rows of named columns: CSV and Excel files, and the HTTP API's JSON lines.

Columns: ``product`` (our reference, barcode or the customer's own code),
``location`` (site code), ``on_hand``, ``consumed``, ``period_start``,
``period_end``, ``forecast`` (the quantity the customer expects to consume
from ``forecast_start`` to ``forecast_end``, both days included; a day left
empty is defaulted by the Odoo layer, see :class:`~.types.ReportLine`) and
``unit`` (the unit of the row's quantities: a code such as EA, DZN or KGM,
or the name of one of our units; empty means the product's unit). A row
gives at least one of on_hand, consumed and forecast. Names are case- and
space-insensitive; other columns are ignored; an empty cell means "not
reported".
"""

import csv
import io
from datetime import date, datetime

from ..engine.i18n import _
from .types import ParsedReport, ReportLine
from .values import (
    ValueProblem,
    check_period,
    to_date,
    to_moment,
    to_quantity,
    without_nul,
)

COLUMNS = (
    "product",
    "location",
    "on_hand",
    "consumed",
    "period_start",
    "period_end",
    "forecast",
    "forecast_start",
    "forecast_end",
    "unit",
)
QUANTITIES = ("on_hand", "consumed", "forecast")
DATES = ("period_start", "period_end", "forecast_start", "forecast_end")
EXAMPLE = (
    "FURN-0001",
    "SITE-NORTH",
    12,
    5,
    date(2026, 11, 1),
    date(2026, 11, 24),
    8,
    date(2026, 11, 25),
    date(2026, 12, 1),
    "EA",
)


def _column_name(name):
    return str(name or "").strip().lower().replace(" ", "_")


def _text(value):
    """A code as text: spreadsheet numbers lose their trailing '.0'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _is_blank(values):
    return all(
        value is None or (isinstance(value, str) and not value.strip())
        for value in values
    )


def _column(where, name):
    return _("%(where)s, column %(column)s") % {"where": where, "column": name}


def read_line(ref, values):
    """One :class:`ReportLine` from a mapping of column name to the value sent."""
    where = ref
    problems, numbers, dates = [], {}, {}
    for name in QUANTITIES:
        try:
            numbers[name] = to_quantity(values.get(name), _column(where, name))
        except ValueProblem as problem:
            problems.append(str(problem))
            numbers[name] = None
    for name in DATES:
        try:
            dates[name] = to_date(values.get(name), _column(where, name))
        except ValueProblem as problem:
            problems.append(str(problem))
            dates[name] = None
    for start, end, what in (
        ("period_start", "period_end", _("period")),
        ("forecast_start", "forecast_end", _("forecast period")),
    ):
        try:
            check_period(dates[start], dates[end], where, what)
        except ValueProblem as problem:
            problems.append(str(problem))
    forecast_period = [
        name
        for name in ("forecast_start", "forecast_end")
        if not _is_blank([values.get(name)])
    ]
    if forecast_period and _is_blank([values.get("forecast")]):
        if len(forecast_period) == 1:
            problem = _(
                "%(where)s: %(columns)s is given without a forecast quantity; "
                "give the forecast, or leave the forecast period empty."
            )
        else:
            problem = _(
                "%(where)s: %(columns)s are given without a forecast quantity; "
                "give the forecast, or leave the forecast period empty."
            )
        problems.append(
            problem % {"where": where, "columns": _(" and ").join(forecast_period)}
        )
    product = _text(values.get("product"))
    if not product:
        problems.append(_("%(where)s: no product code.") % {"where": where})
    if not problems and all(numbers[name] is None for name in QUANTITIES):
        problems.append(
            _("%(where)s: neither on_hand, consumed nor forecast is given.")
            % {"where": where}
        )
    return ReportLine(
        ref=ref,
        product_codes=(product,) if product else (),
        location_code=_text(values.get("location")),
        on_hand=numbers["on_hand"],
        consumed=numbers["consumed"],
        forecast=numbers["forecast"],
        period_start=dates["period_start"],
        period_end=dates["period_end"],
        forecast_start=dates["forecast_start"],
        forecast_end=dates["forecast_end"],
        uom=_text(values.get("unit")),
        error=" ".join(problems) or None,
    )


def _report_from_rows(fmt, rows):
    """A report from ``rows``, an iterator of ``(row number, cells)`` whose first item
    is the header."""
    report = ParsedReport(format=fmt)
    try:
        __, header = next(rows)
    except StopIteration:
        report.errors.append(
            _(
                "The file is empty: it needs a header row "
                "(product, location, on_hand, consumed)."
            )
        )
        return report
    columns = [_column_name(name) for name in header]
    if "product" not in columns:
        report.errors.append(
            _(
                "The file has no product column in its first row; "
                "download the template for the expected columns."
            )
        )
        return report
    if not any(name in columns for name in QUANTITIES):
        report.errors.append(_("The file has no on_hand, consumed or forecast column."))
        return report
    index = {name: columns.index(name) for name in COLUMNS if name in columns}
    for number, cells in rows:
        if _is_blank(cells):
            continue
        cells = list(cells)
        report.lines.append(
            read_line(
                f"Row {number}",
                {
                    name: cells[position] if position < len(cells) else None
                    for name, position in index.items()
                },
            )
        )
    return report


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_csv(data):
    """A report from CSV bytes (UTF-8 or Windows-1252; comma, semicolon or tab
    separated)."""
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _report_from_rows(
            "csv", enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1)
        )
    except csv.Error as error:
        report = ParsedReport(format="csv")
        report.errors.append(
            _("The file is not readable as CSV: %(error)s.") % {"error": error}
        )
        return report


def parse_xlsx(data):
    """A report from the first sheet of an Excel (.xlsx) workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = (
            list(workbook.worksheets[0].iter_rows(values_only=True))
            if workbook.worksheets
            else []
        )
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on damaged files, all the same to the sender
        report = ParsedReport(format="xlsx")
        report.errors.append(
            _("The file is not a readable Excel (.xlsx) workbook: %(error)s.")
            % {"error": error or type(error).__name__}
        )
        return report
    return _report_from_rows("xlsx", enumerate(rows, 1))


def parse_json_lines(payload):
    """A report from the HTTP API's JSON object: ``{"as_of", "reference",
    "period_start", "period_end", "lines"}``; like
    :func:`~vmi_management.intake.parse_document`, only storable text."""
    report = ParsedReport(format="json")
    if not isinstance(payload, dict) or not isinstance(payload.get("lines"), list):
        report.errors.append(_('The report must be a JSON object with a "lines" list.'))
        return report
    try:
        as_of = to_moment(payload.get("as_of"), "as_of")
        report.period_start = to_date(payload.get("period_start"), "period_start")
        report.period_end = to_date(payload.get("period_end"), "period_end")
        if isinstance(as_of, datetime):
            report.as_of = as_of
        # a day, or none given: the figures are true at the end of it, or of the period
        else:
            report.as_of_date = as_of or report.period_end
        check_period(report.period_start, report.period_end, _("The report"))
    except ValueProblem as problem:
        report.errors.append(str(problem))
    if payload.get("reference") is not None:
        report.reference = str(payload["reference"])[:128]
    for position, line in enumerate(payload["lines"]):
        ref = f"lines[{position}]"
        if not isinstance(line, dict):
            report.lines.append(
                ReportLine(
                    ref=ref,
                    product_codes=(),
                    error=_("%(ref)s: a line must be a JSON object.") % {"ref": ref},
                )
            )
            continue
        report.lines.append(read_line(ref, line))
    return without_nul(report)


def csv_template(rows=None):
    """The CSV template offered for download: the columns, then ``rows`` (tuples in the
    order of ``COLUMNS``, e.g. one per product and site of an agreement) or one example
    row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows or (EXAMPLE,):
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode()


def xlsx_template(rows=None):
    """The Excel template offered for download: as :func:`csv_template`, one sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Stock report"
    sheet.append(COLUMNS)
    for row in rows or (EXAMPLE,):
        sheet.append(tuple(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
