"""CSV, Excel and JSON lines: every row kept, each problem named by row and column."""

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from vmi_management.intake import (
    csv_template,
    parse_csv,
    parse_json_lines,
    parse_xlsx,
    xlsx_template,
)


def test_sample_csv_keeps_every_row(sample):
    report = parse_csv(sample("stock_report.csv"))
    assert report.errors == []
    assert [line.ref for line in report.lines] == [f"Row {n}" for n in range(2, 8)]
    first = report.lines[0]
    assert (
        first.product_codes,
        first.location_code,
        first.on_hand,
        first.consumed,
    ) == (("FURN-0001",), "SITE-NORTH", 12.0, 5.0)
    assert (first.period_start, first.period_end) == (
        date(2026, 11, 17),
        date(2026, 11, 23),
    )
    errors = {line.ref: line.error for line in report.lines if line.error}
    assert errors == {
        "Row 5": "Row 5, column on_hand: -3 is negative; report a quantity of 0 or "
        "more.",
        "Row 6": "Row 6, column on_hand: 'twelve' is not a number.",
    }


def test_each_line_problem_is_named():
    report = parse_csv(
        b"Product;Location;On Hand;Consumed;Period Start;Period End\n"
        b"A;S;nan;;;\n"
        b"B;S;1;;2026-13-01;\n"
        b"C;S;1;2;2026-11-10;2026-11-01\n"
        b";S;1;;;\n"
        b"E;S;;;;\n"
        b";;;;;\n"
    )
    assert report.errors == []
    assert [line.error for line in report.lines] == [
        "Row 2, column on_hand: 'nan' is not a number.",
        "Row 3, column period_start: '2026-13-01' is not a date (YYYY-MM-DD).",
        "Row 4: the period ends (2026-11-01) before it starts (2026-11-10).",
        "Row 5: no product code.",
        "Row 6: neither on_hand, consumed nor forecast is given.",
    ], (
        "semicolons and spaced, capitalised headers are understood; the blank row is "
        "skipped"
    )


def test_document_level_problems():
    assert parse_csv(b"").errors == [
        (
            "The file is empty: it needs a header row (product, location, on_hand, "
            "consumed)."
        )
    ]
    assert "no product column" in parse_csv(b"sku,on_hand\nA,1\n").errors[0]
    assert parse_csv(b"product,location\nA,B\n").errors == [
        "The file has no on_hand, consumed or forecast column."
    ]
    assert (
        parse_csv(b"product,on_hand\nA,1\x00\n").lines[0].error
        == "Row 2, column on_hand: '1\x00' is not a number."
    )


def test_windows_1252_and_bom():
    assert parse_csv("\ufeffproduct,on_hand\nCaf\u00e9,1\n".encode()).lines[
        0
    ].product_codes == ("Caf\u00e9",)
    assert parse_csv("product,on_hand\nCaf\u00e9,1\n".encode("cp1252")).lines[
        0
    ].product_codes == ("Caf\u00e9",)


def test_xlsx_cells_of_any_type():
    workbook = Workbook()
    workbook.active.append(
        ["product", "location", "on_hand", "consumed", "period_start"]
    )
    workbook.active.append([12345, "S", 4, 1.5, date(2026, 11, 1)])
    workbook.active.append(["B", "S", "many", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    first, second = parse_xlsx(buffer.getvalue()).lines
    assert (first.product_codes, first.on_hand, first.consumed, first.period_start) == (
        ("12345",),
        4.0,
        1.5,
        date(2026, 11, 1),
    )
    assert second.error == "Row 3, column on_hand: 'many' is not a number."


def test_unit_column_and_key():
    csv_report = parse_csv(b"product,on_hand,Unit\nA,3,CA\nB,2,\n")
    assert [(line.on_hand, line.uom, line.error) for line in csv_report.lines] == [
        (3.0, "CA", None),
        (2.0, "", None),
    ]
    workbook = Workbook()
    workbook.active.append(["product", "on_hand", "unit"])
    workbook.active.append(["A", 1, " kgm "])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert (
        parse_xlsx(buffer.getvalue()).lines[0].uom == "kgm"
    ), "sent as written, without the spaces"
    json_report = parse_json_lines(
        {
            "lines": [
                {"product": "A", "on_hand": 2, "unit": "DZN"},
                {"product": "B", "on_hand": 1},
            ]
        }
    )
    assert [line.uom for line in json_report.lines] == ["DZN", ""]
    assert (
        parse_csv(b"product,on_hand\nA,3\n").lines[0].uom == ""
    ), "the column is optional"


def test_damaged_xlsx_is_a_document_error():
    report = parse_xlsx(b"PK\x03\x04 not really a workbook")
    assert report.lines == [] and report.errors[0].startswith(
        "The file is not a readable Excel (.xlsx) workbook"
    )


def test_templates_parse_cleanly():
    for parsed in (parse_csv(csv_template()), parse_xlsx(xlsx_template())):
        assert parsed.errors == [] and [line.error for line in parsed.lines] == [None]
        line = parsed.lines[0]
        assert line.product_codes == ("FURN-0001",)
        assert (line.forecast, line.forecast_start, line.forecast_end) == (
            8.0,
            date(2026, 11, 25),
            date(2026, 12, 1),
        ), "the template shows a forecast with its period"
    assert load_workbook(io.BytesIO(xlsx_template())).active["A1"].value == "product"
    assert (
        csv_template().splitlines()[0].endswith(b",unit")
        and parse_csv(csv_template()).lines[0].uom == "EA"
    )


def test_json_lines():
    report = parse_json_lines(
        {
            "as_of": "2026-11-24T18:00:00+01:00",
            "reference": 77,
            "period_start": "2026-11-17",
            "lines": [
                {"product": "A", "location": "S", "on_hand": "3", "consumed": 1},
                {"product": "B", "on_hand": True},
                "oops",
            ],
        }
    )
    assert report.errors == []
    assert (report.as_of.isoformat(), report.reference, report.period_start) == (
        "2026-11-24T17:00:00",
        "77",
        date(2026, 11, 17),
    )
    assert [line.error for line in report.lines] == [
        None,
        "lines[1], column on_hand: True is not a number.",
        "lines[2]: a line must be a JSON object.",
    ]
    assert parse_json_lines([1, 2]).errors == [
        'The report must be a JSON object with a "lines" list.'
    ]
    day_only = parse_json_lines({"as_of": "2026-11-24", "lines": []})
    assert (day_only.errors, day_only.as_of, day_only.as_of_date) == (
        [],
        None,
        date(2026, 11, 24),
    ), "a day without a time: its end, in the receiver's time zone, is the as-of"
    period_only = parse_json_lines(
        {"period_start": "2026-11-17", "period_end": "2026-11-23", "lines": []}
    )
    assert (period_only.as_of, period_only.as_of_date) == (None, date(2026, 11, 23))
    assert parse_json_lines({"as_of": "yesterday", "lines": []}).errors == [
        "as_of: 'yesterday' is not a date and time (YYYY-MM-DD HH:MM:SS, UTC)."
    ]


def test_forecast_only_rows():
    """A customer may send its forecast alone: no on_hand and no consumed column, or
    empty cells."""
    report = parse_csv(
        b"product,location,forecast,forecast_start,forecast_end,unit\n"
        b"A,S,30,2026-11-30,2026-12-06,EA\n"
        b"B,S,12,,,\n"
        b"C,S,,,,\n"
    )
    assert report.errors == []
    assert [
        (
            line.product_codes,
            line.on_hand,
            line.consumed,
            line.forecast,
            line.forecast_start,
            line.forecast_end,
            line.error,
        )
        for line in report.lines
    ] == [
        (("A",), None, None, 30.0, date(2026, 11, 30), date(2026, 12, 6), None),
        (("B",), None, None, 12.0, None, None, None),
        (
            ("C",),
            None,
            None,
            None,
            None,
            None,
            "Row 4: neither on_hand, consumed nor forecast is given.",
        ),
    ], (
        "a forecast without its period is kept without one: the Odoo layer gives it "
        "the days after the report"
    )
    mixed = parse_csv(b"product,on_hand,forecast\nA,3,\nB,,4\n")
    assert [(line.on_hand, line.forecast, line.error) for line in mixed.lines] == [
        (3.0, None, None),
        (None, 4.0, None),
    ]


def test_forecast_period_problems_are_named():
    report = parse_csv(
        b"product,forecast,forecast_start,forecast_end\n"
        b"A,5,2026-11-31,2026-12-06\n"
        b"B,5,2026-12-06,2026-11-30\n"
        b"C,,2026-11-30,2026-12-06\n"
        b"D,,,2026-12-06\n"
        b"E,5,2026-11-30,\n"
        b"F,5,,2026-12-06\n"
        b"G,lots,2026-11-30,2026-12-06\n"
        b"H,5,2026-11-31,\n"
    )
    assert report.errors == []
    assert [line.error for line in report.lines] == [
        "Row 2, column forecast_start: '2026-11-31' is not a date (YYYY-MM-DD).",
        "Row 3: the forecast period ends (2026-11-30) before it starts (2026-12-06).",
        (
            "Row 4: forecast_start and forecast_end are given without a forecast "
            "quantity; give the forecast, or leave "
            "the forecast period empty."
        ),
        (
            "Row 5: forecast_end is given without a forecast quantity; give the "
            "forecast, or leave the forecast period "
            "empty."
        ),
        None,
        None,
        "Row 8, column forecast: 'lots' is not a number.",
        "Row 9, column forecast_start: '2026-11-31' is not a date (YYYY-MM-DD).",
    ], "each mistake is named once, by row and column"
    assert [(line.forecast_start, line.forecast_end) for line in report.lines[4:6]] == [
        (date(2026, 11, 30), None),
        (None, date(2026, 12, 6)),
    ], "a day left empty is for the Odoo layer to default"


def test_forecast_period_in_xlsx_and_json_lines():
    workbook = Workbook()
    workbook.active.append(["product", "Forecast", "Forecast Start", "Forecast End"])
    workbook.active.append(["A", 28, date(2026, 12, 1), date(2026, 12, 31)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    line = parse_xlsx(buffer.getvalue()).lines[0]
    assert (line.forecast, line.forecast_start, line.forecast_end, line.error) == (
        28.0,
        date(2026, 12, 1),
        date(2026, 12, 31),
        None,
    ), "date cells and spaced, capitalised headers"
    report = parse_json_lines(
        {
            "as_of": "2026-11-24",
            "lines": [
                {
                    "product": "A",
                    "location": "S",
                    "forecast": 7,
                    "forecast_start": "2026-11-25",
                    "forecast_end": "2026-12-01",
                },
                {
                    "product": "B",
                    "forecast_start": "2026-11-25",
                    "forecast_end": "2026-12-01",
                },
            ],
        }
    )
    assert [
        (line.forecast, line.forecast_start, line.forecast_end, line.error)
        for line in report.lines
    ] == [
        (7.0, date(2026, 11, 25), date(2026, 12, 1), None),
        (
            None,
            date(2026, 11, 25),
            date(2026, 12, 1),
            (
                "lines[1]: forecast_start and forecast_end are given without "
                "a forecast quantity; give the forecast, or leave the forecast "
                "period empty."
            ),
        ),
    ]
