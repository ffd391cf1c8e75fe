"""Values a database or the calendar cannot hold: each named where it was sent, nothing
raised."""

from datetime import date, datetime

import pytest

from vmi_management.intake import parse_document, parse_edifact, parse_json_lines
from vmi_management.intake.values import ValueProblem, to_date, to_moment, to_quantity


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
        "0001-01-01",
        "1899-12-31",
        "3000-01-01T00:00:00Z",
    ],
)
def test_moments_beyond_the_calendar_are_named(raw):
    with pytest.raises(ValueProblem) as problem:
        to_moment(raw, "as_of")
    assert (
        str(problem.value)
        == f"as_of: '{raw}' is out of range; send a date from 1900-01-01 to 2999-12-31."
    )


def test_moments_within_it_are_read_in_utc():
    assert to_moment("1900-01-01T00:00:00+05:00", "as_of") == datetime(1899, 12, 31, 19)
    assert to_moment("2999-12-31T23:00:00-05:00", "as_of") == datetime(3000, 1, 1, 4)
    assert to_moment("2026-11-24", "as_of") == date(2026, 11, 24)


def test_dates_beyond_the_calendar_are_named():
    with pytest.raises(
        ValueProblem,
        match=r"^period_end: '00010101' is out of range; send a date from 1900",
    ):
        to_date("00010101", "period_end", "%Y%m%d")
    with pytest.raises(ValueProblem, match="out of range"):
        to_date(date(1, 1, 1), "period_end")


def test_dates_in_digits_take_exactly_their_digits(sample):
    """``strptime`` alone reads '2026111' as a day of January or of November: a date
    sent in digits alone is refused unless it has all of them."""
    with pytest.raises(
        ValueProblem, match=r"^XQ02: '2026111' is not a date \(CCYYMMDD\)\.$"
    ):
        to_date("2026111", "XQ02", "%Y%m%d")
    assert to_date("20261101", "XQ02", "%Y%m%d") == date(2026, 11, 1)
    text = (
        sample("stock_invrpt.edi")
        .decode()
        .replace("DTM+366:202611240600:203", "DTM+366:20261124600:203")
    )
    assert parse_edifact(text.encode()).errors == [
        "Segment 5 (DTM), C507 2380: '20261124600' is not a date in format 203."
    ]


def test_a_quantity_too_large_for_a_float():
    with pytest.raises(
        ValueProblem, match=r"^on_hand: 1{400} is too large a quantity\.$"
    ):
        to_quantity(int("1" * 400), "on_hand")


def test_json_as_of_beyond_the_calendar_is_a_document_problem():
    report = parse_json_lines({"as_of": "0001-01-01T00:00:00+05:00", "lines": []})
    assert report.errors == [
        (
            "as_of: '0001-01-01T00:00:00+05:00' is out of range; send a date from "
            "1900-01-01 "
            "to 2999-12-31."
        )
    ]
    assert (report.as_of, report.as_of_date) == (None, None)


def test_edifact_date_beyond_the_calendar(sample):
    text = (
        sample("stock_invrpt.edi")
        .decode()
        .replace("DTM+366:202611240600:203", "DTM+366:000101010600:203")
    )
    report = parse_edifact(text.encode())
    assert report.errors == [
        (
            "Segment 5 (DTM), C507 2380: '000101010600' is out of range; send a date "
            "from "
            "1900-01-01 to 2999-12-31."
        )
    ]
    assert report.as_of is None


def test_nul_rejects_the_line_that_holds_it_and_is_shown_everywhere():
    report = parse_document(
        b"product,location,on_hand,unit\n"
        b"FURN-0001,SITE-NORTH,1,EA\n"
        b"FURN\x000002,SITE-NORTH,2,EA\n"
        b"FURN-0003,SITE-NORTH,3\x00,E\x00A\n"
    )
    assert report.errors == []
    assert [(line.product_codes, line.uom, line.error) for line in report.lines] == [
        (("FURN-0001",), "EA", None),
        (
            ("FURN\\x000002",),
            "EA",
            (
                "Row 3: the product code 'FURN\\x000002' contains a NUL character "
                "(shown as "
                "\\x00); send it without."
            ),
        ),
        (
            ("FURN-0003",),
            "E\\x00A",
            (
                "Row 4, column on_hand: '3\\x00' is not a number. Row 4: the unit "
                "'E\\x00A' "
                "contains a NUL character (shown as \\x00); send it without."
            ),
        ),
    ]


def test_nul_in_json_lines_and_edi_references(sample):
    report = parse_json_lines(
        {"reference": "feed\x00-1", "lines": [{"product": "A\x00", "on_hand": 1}]}
    )
    assert report.reference == "feed\\x00-1"
    assert report.lines[0].error == (
        "lines[0]: the product code 'A\\x00' contains a NUL character (shown as "
        "\\x00); send it without."
    )
    edi = parse_document(
        sample("stock_invrpt.edi").replace(b"INV-20261124-01", b"INV\x00")
    )
    assert (edi.reference, edi.errors) == ("INV\\x00", [])
    assert not any(
        "\x00" in text for line in edi.lines for text in (line.ref, *line.product_codes)
    )
