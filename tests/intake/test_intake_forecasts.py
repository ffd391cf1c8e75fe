"""Forecasts in: X12 830 and EDIFACT DELFOR, a line per product, location and period."""

from datetime import date
from pathlib import Path

import pytest

from vmi_management.intake import (
    detect_format,
    parse_document,
    parse_edifact,
    parse_edifact_delfor,
    parse_x12_830,
)

FORECASTS = Path(__file__).resolve().parent / "samples"
ISA = (
    "ISA*00*          *00*          *ZZ*ACMECLINICS    *ZZ*VENDORCO       "
    "*261124*0700*U*00401*000000830"
    "*0*P*>"
)
BFR = "BFR*05*FC-1**BB*A*20261125*20270131*20261124"


def forecast(name):
    return (FORECASTS / name).read_bytes()


def x830(*body, transaction_set="830"):
    """An 830 interchange around ``body`` (the segments after ST), counts right."""
    transaction = [f"ST*{transaction_set}*0001", *body]
    transaction.append(f"CTT*{sum(segment.startswith('LIN*') for segment in body)}")
    transaction.append(f"SE*{len(transaction) + 1}*0001")
    segments = [
        ISA,
        "GS*PS*ACMECLINICS*VENDORCO*20261124*0700*830*X*004010",
        *transaction,
        "GE*1*830",
        "IEA*1*000000830",
    ]
    return ("~\n".join(segments) + "~\n").encode()


def delfor(*detail, heading=("DTM+137:20261124:102",)):
    """A DELFOR interchange: ``heading`` after BGM, then UNS+D, ``detail`` and UNS+S,
    counts right."""
    message = [
        "UNH+1+DELFOR:D:96A:UN",
        "BGM+241+DF-1+9",
        *heading,
        "UNS+D",
        *detail,
        "UNS+S",
    ]
    message.append(f"UNT+{len(message) + 1}+1")
    segments = [
        "UNA:+.? ",
        "UNB+UNOC:3+ACMECLINICS:ZZZ+VENDORCO:ZZZ+261124:0700+DF0001",
        *message,
        "UNZ+1+DF0001",
    ]
    return ("'\n".join(segments) + "'\n").encode()


def buckets(report):
    return [
        (
            line.product_codes[0] if line.product_codes else None,
            line.location_code,
            line.forecast,
            line.forecast_start,
            line.forecast_end,
            line.uom,
        )
        for line in report.lines
    ]


def errors(report):
    return [line.error for line in report.lines]


# ----------------------------------------------------------------------
# X12 830
# ----------------------------------------------------------------------


def test_830_sample():
    report = parse_document(forecast("forecast_830.x12"))
    assert (report.format, report.errors) == ("x12_830", [])
    assert (report.reference, report.sender_ids, report.as_of, report.as_of_date) == (
        "FC-2026-48/REL-0048",
        ["ACMECLINICS"],
        None,
        date(2026, 11, 24),
    ), "BFR02/BFR03 name it, BFR08 dates it"
    assert (
        report.horizon_start,
        report.horizon_end,
        report.period_start,
        report.period_end,
    ) == (
        date(2026, 11, 25),
        date(2027, 1, 31),
        None,
        None,
    ), "the horizon is not a period of consumption"
    assert buckets(report) == [
        (
            "CUST-7781",
            "SITE-NORTH",
            4.0,
            date(2026, 11, 25),
            date(2026, 11, 25),
            "EA",
        ),
        (
            "CUST-7781",
            "SITE-NORTH",
            5.0,
            date(2026, 11, 26),
            date(2026, 11, 26),
            "EA",
        ),
        (
            "CUST-7781",
            "SITE-NORTH",
            3.0,
            date(2026, 11, 27),
            date(2026, 11, 27),
            "EA",
        ),
        (
            "CUST-7781",
            "SITE-NORTH",
            18.0,
            date(2026, 11, 30),
            date(2026, 12, 6),
            "EA",
        ),
        (
            "CUST-7781",
            "SITE-NORTH",
            21.0,
            date(2026, 12, 7),
            date(2026, 12, 13),
            "EA",
        ),
        (
            "CUST-7781",
            "SITE-NORTH",
            40.0,
            date(2026, 12, 14),
            date(2026, 12, 31),
            "EA",
        ),
        (
            "CUST-7781",
            "SITE-NORTH",
            90.0,
            date(2027, 1, 1),
            date(2027, 1, 31),
            "EA",
        ),
        (
            "FURN-0002",
            "SITE-SOUTH",
            2.0,
            date(2026, 11, 30),
            date(2026, 12, 6),
            "CA",
        ),
        (
            "FURN-0002",
            "SITE-SOUTH",
            3.0,
            date(2026, 12, 7),
            date(2026, 12, 13),
            "CA",
        ),
        (
            "00012345600036",
            "SITE-NORTH",
            1.5,
            date(2026, 12, 1),
            date(2026, 12, 31),
            "KGM",
        ),
        (
            "00012345600036",
            "SITE-NORTH",
            2.25,
            date(2027, 1, 1),
            date(2027, 1, 31),
            "KGM",
        ),
    ], (
        "days, Monday-to-Sunday weeks, a flexible interval and calendar months; an N1 "
        "ST in a LIN loop wins"
    )
    first = report.lines[0]
    assert first.product_codes == (
        "CUST-7781",
        "FURN-0001",
        "00012345600012",
    ), "buyer, vendor, GTIN, as for 852"
    assert (first.ref, first.on_hand, first.consumed, first.period_start) == (
        "segment 8 (FST)",
        None,
        None,
        None,
    )
    assert errors(report) == [None] * 11


def test_830_line_problems():
    report = parse_x12_830(
        x830(
            BFR,
            "FST*9*C*D*20261125",
            "N1*ST*North*92*SITE-NORTH",
            "LIN**VN*A",
            "FST*5*C*D*20261131",
            "FST**C*D*20261125",
            "FST*-2*D*W*20261130",
            "FST*lots*D*W*20261130",
            "LIN**VN*B",
            "FST*3*Z*Q*20261201",
            "FST*3*D*F*20261201",
            "FST*3*D*F*20261210*20261201",
            "FST*3*D*W",
            "LIN**VN*C",
            "LIN*1",
            "UIT*EA",
            "UIT*CA",
            "FST*1*C*D*20261125",
        )
    )
    assert report.errors == [
        (
            "Segment 5 (FST): a forecast outside a LIN loop; send each FST after the "
            "LIN of its "
            "product."
        )
    ]
    assert errors(report) == [
        "Segment 8 (FST), FST04: '20261131' is not a date (CCYYMMDD).",
        "Segment 9 (FST), FST01: no quantity.",
        "Segment 10 (FST), FST01: -2 is negative; report a quantity of 0 or more.",
        "Segment 11 (FST), FST01: 'lots' is not a number.",
        (
            "Segment 13 (FST), FST02: 'Z' is not a forecast qualifier this schedule "
            "understands (A immediate, C firm, "
            "D planning). Segment 13 (FST), FST03: 'Q' is not a timing qualifier this "
            "schedule understands (D discrete, "
            "W weekly, M monthly, F flexible interval)."
        ),
        "Segment 14 (FST), FST05: a flexible interval (F) needs its last day.",
        (
            "Segment 15 (FST): the forecast period ends (2026-12-01) before it "
            "starts (2026-12-10)."
        ),
        "Segment 16 (FST), FST04: no date; send the first day of the forecast.",
        "Segment 17 (LIN): no forecast (FST) follows.",
        (
            "Segment 18 (LIN): no product id. Segment 20 (UIT), UIT01: unit 'CA' "
            "differs from 'EA' given earlier for "
            "this product; send all its quantities in one unit."
        ),
    ], (
        "each bucket says what is wrong with it, and carries what is wrong with its "
        "product"
    )
    assert [line.location_code for line in report.lines] == [
        "SITE-NORTH"
    ] * 10, "the heading N1 ST, after a stray FST"
    assert (
        report.lines[1].forecast,
        report.lines[4].forecast_start,
        report.lines[4].forecast_end,
    ) == (None, date(2026, 12, 1), None), "what could be read is kept"


def test_830_heading_problems():
    report = parse_x12_830(
        x830(
            "BFR*05*FC-1**DL*C*20261325*20261124*2026112",
            "LIN**VN*A",
            "FST*1*C*D*20261125",
        )
    )
    assert report.errors == [
        (
            "Segment 4 (BFR), BFR05: the schedule's quantities are 'C', not the "
            "quantity of each bucket; send actual "
            "discrete (A) or replacement (R) quantities."
        ),
        "Segment 4 (BFR), BFR06: '20261325' is not a date (CCYYMMDD).",
        "Segment 4 (BFR), BFR08: '2026112' is not a date (CCYYMMDD).",
    ], (
        "cumulative quantities would be read as far more than is needed: the whole "
        "schedule is refused"
    )
    reversed_horizon = parse_x12_830(
        x830("BFR*05*FC-1**DL*A*20261231*20261125", "LIN**VN*A", "FST*1*C*D*20261125")
    )
    assert reversed_horizon.errors == [
        "Segment 4 (BFR): the horizon ends (2026-11-25) before it starts (2026-12-31)."
    ]
    assert parse_x12_830(x830(BFR, "UIT*EA")).errors == [
        "Segment 5 (UIT): a unit outside a LIN loop."
    ]


def test_830_reference_and_envelope():
    assert (
        parse_x12_830(
            x830("BFR*05**REL-7*DL*A*20261125", "LIN**VN*A", "FST*1*C*D*20261125")
        ).reference
        == "REL-7"
    )
    without_number = parse_x12_830(
        x830("BFR*05***DL*A*20261125", "LIN**VN*A", "FST*1*C*D*20261125")
    )
    assert (without_number.errors, without_number.reference) == (
        [],
        "ACMECLINICS/000000830/830/0001",
    )
    assert parse_x12_830(
        x830(BFR, "LIN**VN*A", "FST*1*C*D*20261125").replace(b"SE*6*", b"SE*9*")
    ).errors == [
        "Segment 8 (SE): SE01 says 9 segments, the transaction set has 6."
    ], "the envelope is checked as for an 852"
    assert parse_x12_830(
        x830(BFR, "LIN**VN*A", "FST*1*C*D*20261125", transaction_set="852")
    ).errors == [
        (
            "Segment 3 (ST): ST01 is '852'; expected 830 (Planning Schedule with "
            "Release Capability)."
        )
    ]
    cut = forecast("forecast_830.x12")[:-40]
    assert (
        any("truncated" in error for error in parse_x12_830(cut).errors)
        and parse_x12_830(cut).lines
    )


def test_830_ship_to_is_each_transaction_sets_own():
    """A second transaction set without an N1 ST does not deliver to the first one's
    site."""
    segments = [
        ISA,
        "GS*PS*ACMECLINICS*VENDORCO*20261124*0700*830*X*004010",
        "ST*830*0001",
        BFR,
        "N1*ST*North*92*SITE-NORTH",
        "LIN**VN*A",
        "FST*1*C*D*20261125",
        "CTT*1",
        "SE*7*0001",
        "ST*830*0002",
        BFR,
        "LIN**VN*A",
        "FST*1*C*D*20261125",
        "CTT*1",
        "SE*6*0002",
        "GE*2*830",
        "IEA*1*000000830",
    ]
    report = parse_x12_830(("~".join(segments) + "~").encode())
    assert report.errors == []
    assert [line.location_code for line in report.lines] == ["SITE-NORTH", ""]


# ----------------------------------------------------------------------
# EDIFACT DELFOR
# ----------------------------------------------------------------------


def test_delfor_sample():
    report = parse_document(forecast("forecast_delfor.edi"))
    assert (report.format, report.errors, report.reference, report.sender_ids) == (
        "edifact_delfor",
        [],
        "DF-2026-48",
        ["ACMECLINICS"],
    )
    assert (
        report.as_of,
        report.as_of_date,
        report.horizon_start,
        report.horizon_end,
        report.period_end,
    ) == (None, date(2026, 11, 24), date(2026, 11, 25), date(2026, 12, 31), None), (
        "the document date (137) dates the forecast; DTM 158/159 in the heading are "
        "its horizon"
    )
    assert buckets(report) == [
        ("CUST-7781", "SITE-NORTH", 4.0, date(2026, 11, 25), date(2026, 11, 25), "PCE"),
        ("CUST-7781", "SITE-NORTH", 5.0, date(2026, 11, 26), date(2026, 11, 26), "PCE"),
        ("CUST-7781", "SITE-NORTH", 18.0, date(2026, 11, 30), date(2026, 12, 6), "PCE"),
        ("CUST-7781", "SITE-NORTH", 21.0, date(2026, 12, 7), date(2026, 12, 13), "PCE"),
        ("FURN-0002", "SITE-NORTH", 2.0, date(2026, 11, 30), date(2026, 12, 6), "CT"),
        (
            "00012345600036",
            "SITE-SOUTH",
            1.5,
            date(2026, 12, 1),
            date(2026, 12, 31),
            "KGM",
        ),
        ("FURN-0002", "SITE-SOUTH", 3.0, date(2026, 12, 7), date(2026, 12, 13), "CT"),
    ], (
        "delivery dates (DTM 2) and periods (DTM 158/159); each NAD ST delivers the "
        "LINs after it; the "
        "cumulative quantity (QTY+3) is not a forecast"
    )
    assert report.lines[0].product_codes == ("CUST-7781", "FURN-0001", "00012345600012")
    assert (report.lines[0].ref, report.lines[0].on_hand, report.lines[0].consumed) == (
        "segment 14 (QTY)",
        None,
        None,
    )
    assert errors(report) == [None] * 7


def test_delfor_product_driven_delivery_points():
    """A NAD inside a LIN group names one of its delivery points; the LIN's own
    quantities then sum theirs up and are not read again."""
    report = parse_edifact_delfor(
        delfor(
            "LIN+1++A:SA",
            "QTY+1:30",
            "SCC+4",
            "DTM+158:20261130:102",
            "DTM+159:20261206:102",
            "NAD+ST+SITE-NORTH::92",
            "QTY+1:10",
            "SCC+4",
            "DTM+158:20261130:102",
            "DTM+159:20261206:102",
            "NAD+ST+SITE-SOUTH::92",
            "QTY+1:20",
            "SCC+4",
            "DTM+158:20261130:102",
            "DTM+159:20261206:102",
            "LIN+2++B:SA",
            "QTY+1:7",
            "SCC+1",
            "DTM+2:20261201:102",
            heading=("DTM+137:20261124:102", "NAD+BY+ACME::92", "LOC+11+SITE-EAST::92"),
        )
    )
    assert report.errors == []
    assert [
        (line.product_codes[0], line.location_code, line.forecast)
        for line in report.lines
    ] == [("A", "SITE-NORTH", 10.0), ("A", "SITE-SOUTH", 20.0), ("B", "SITE-EAST", 7.0)]


def test_delfor_line_problems():
    report = parse_edifact_delfor(
        delfor(
            "NAD+ST+SITE-NORTH::92",
            "LIN+1++A:SA",
            "QTY+1:5:PCE",
            "SCC+4",
            "DTM+158:20261131:102",
            "DTM+159:20261206:102",
            "QTY+1::PCE",
            "SCC+4",
            "DTM+2:20261201:102",
            "QTY+1:-3",
            "SCC+1",
            "DTM+2:20261201:102",
            "QTY+1:4",
            "SCC+9",
            "DTM+158:20261207:102",
            "QTY+1:4",
            "SCC+4",
            "DTM+158:20261213:102",
            "DTM+159:20261207:102",
            "QTY+1:6",
            "SCC+4",
            "RFF+AAN:7",
            "DTM+2:20261201:102",
            "LIN+2++B:SA",
            "QTY+3:100",
            "LIN+3",
            "QTY+1:2:PCE",
            "DTM+2:20261201:102",
            "QTY+1:2:CT",
            "DTM+2:20261202:102",
        )
    )
    assert report.errors == []
    assert errors(report) == [
        (
            "Segment 10 (DTM), C507 2380: '20261131' is not a date in format 102. "
            "Segment 8 (QTY): DTM+159 gives one end "
            "of the forecast period but no DTM+158 the other; send both, or DTM+2 for "
            "a single day."
        ),
        "Segment 12 (QTY), C186 6060: no quantity.",
        (
            "Segment 15 (QTY), C186 6060: -3 is negative; report a quantity of 0 "
            "or more."
        ),
        (
            "Segment 19 (SCC), 4017: '9' is not a delivery plan status this schedule "
            "understands (1 firm, 4 "
            "planning/forecast). Segment 18 (QTY): DTM+158 gives one end of the "
            "forecast period but no DTM+159 the "
            "other; send both, or DTM+2 for a single day."
        ),
        (
            "Segment 21 (QTY): the forecast period ends (2026-12-07) before it "
            "starts (2026-12-13)."
        ),
        None,
        "Segment 29 (LIN): no forecast quantity (QTY+1) follows.",
        (
            "Segment 34 (QTY), C186 6411: unit 'CT' differs from 'PCE' given earlier "
            "for this product; send all its "
            "quantities in one unit. Segment 31 (LIN): no product id."
        ),
        (
            "Segment 34 (QTY), C186 6411: unit 'CT' differs from 'PCE' given earlier "
            "for this product; send all its "
            "quantities in one unit. Segment 31 (LIN): no product id."
        ),
    ], (
        "each quantity says what is wrong with it, and carries what is wrong with its "
        "product"
    )
    undated = report.lines[5]
    assert (
        undated.forecast,
        undated.forecast_start,
        undated.forecast_end,
        undated.uom,
    ) == (6.0, None, None, "PCE"), (
        "a DTM after a reference (RFF) dates the reference, not the quantity; the "
        "product's unit applies to it"
    )
    assert report.lines[1].forecast is None and report.lines[1].forecast_start == date(
        2026, 12, 1
    )


def test_delfor_heading_and_envelope_problems():
    report = parse_edifact_delfor(
        delfor(
            "LIN+1++A:SA",
            "QTY+1:1",
            "DTM+2:20261201:102",
            heading=(
                "DTM+137:2026112:102",
                "DTM+158:20261231:102",
                "DTM+159:20261201:102",
            ),
        )
    )
    assert report.errors == [
        "Segment 4 (DTM), C507 2380: '2026112' is not a date in format 102.",
        "Segment 6 (DTM): the horizon ends (2026-12-01) before it starts (2026-12-31).",
    ]
    assert parse_edifact_delfor(delfor("QTY+1:1")).errors == [
        "Segment 6 (QTY): a quantity outside a LIN group."
    ]
    stock = (
        Path(__file__).resolve().parents[2]
        / "vmi_management"
        / "tests"
        / "samples"
        / "stock_invrpt.edi"
    )
    assert parse_edifact_delfor(stock.read_bytes()).errors == [
        (
            "Segment 2 (UNH): message type 'INVRPT' is not accepted; send DELFOR "
            "(delivery schedule) messages."
        )
    ]
    assert parse_edifact(forecast("forecast_delfor.edi")).errors[0] == (
        "Segment 2 (UNH): message type 'DELFOR' is not accepted; send INVRPT (stock "
        "report) or SLSRPT (sales report) "
        "messages."
    )
    text = forecast("forecast_delfor.edi").decode()
    assert parse_edifact_delfor(
        text.replace("UNT+44+1", "UNT+45+1").encode()
    ).errors == ["Segment 45 (UNT), 0074: says 45 segments, the message has 44."]
    assert parse_edifact_delfor(text[: text.index("UNT")].encode()).errors == [
        "Segment 2 (UNH): the message has no UNT; the file looks truncated."
    ]


# ----------------------------------------------------------------------
# Detection
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("forecast_830.x12", "x12_830"), ("forecast_delfor.edi", "edifact_delfor")],
)
def test_forecasts_are_detected_whatever_the_delimiters(name, expected):
    document = forecast(name).decode()
    assert detect_format(document.encode()) == expected
    if (
        expected == "x12_830"
        # element | and component ^ instead of * and >;
        # segments end with a newline alone
    ):
        other = document.replace("*", "|").replace("|>~", "|^~").replace("~\n", "\n")
    else:  # elements separated by *, components by /, segments ending with !
        other = (
            document.replace("UNA:+.? '", "UNA/*.? !")
            .replace("+", "*")
            .replace(":", "/")
            .replace("'", "!")
        )
    assert detect_format(other.encode()) == expected
    assert buckets(parse_document(other.encode())) == buckets(
        parse_document(document.encode())
    )


def test_stock_reports_still_go_to_their_parsers(sample):
    assert detect_format(sample("stock_852.x12")) == "x12_852"
    assert detect_format(sample("stock_invrpt.edi")) == "edifact"
    assert parse_document(sample("stock_invrpt.edi")).format == "edifact_invrpt"
    assert (
        detect_format(b"ISA*00*garbled") == "x12_852"
    ), "too damaged to tell: the stock parser says why"
    assert detect_format(b"UNB+UNOC:3+A+B'UNH+1") == "edifact"
