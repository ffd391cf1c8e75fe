"""Whatever arrives, the parsers answer with a report and reasons, never an
exception."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vmi_management.intake import (
    ParsedReport,
    parse_csv,
    parse_document,
    parse_edifact,
    parse_edifact_delfor,
    parse_x12_830,
    parse_x12_852,
    parse_xlsx,
)

SAMPLES = Path(__file__).resolve().parents[2] / "vmi_management" / "tests" / "samples"
FORECASTS = Path(__file__).resolve().parent / "samples"

SAMPLE_PATHS = (
    *(
        SAMPLES / name
        for name in (
            "stock_852.x12",
            "stock_852_bad_counts.x12",
            "stock_invrpt.edi",
            "sales_slsrpt.edi",
            "stock_report.csv",
        )
    ),
    FORECASTS / "forecast_830.x12",
    FORECASTS / "forecast_delfor.edi",
)
PARSERS = (
    parse_document,
    parse_csv,
    parse_xlsx,
    parse_x12_852,
    parse_x12_830,
    parse_edifact,
    parse_edifact_delfor,
)
HEADER = (
    "ISA*00*          *00*          *ZZ*ACMECLINICS    *ZZ*VENDORCO       "
    "*261124*0615*U*00401*000000852*0*P*>~"
)


def well_formed(report):
    return isinstance(report, ParsedReport) and all(
        isinstance(error, str) for error in report.errors
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(PARSERS))
def test_arbitrary_bytes(data, parser):
    assert well_formed(parser(data))


@settings(max_examples=250, deadline=None)
@given(st.sampled_from(SAMPLE_PATHS), st.data())
def test_truncated_and_mutated_samples(path, data):
    document = path.read_bytes()
    cut = data.draw(st.integers(0, len(document)))
    assert well_formed(parse_document(document[:cut]))
    position = data.draw(st.integers(0, len(document) - 1))
    noise = data.draw(st.binary(min_size=1, max_size=4))
    assert well_formed(
        parse_document(document[:position] + noise + document[position + 1 :])
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "ISA",
                "ST*852*1",
                "XQ*H*20261101",
                "LIN*1*VN*A",
                "ZA*QA*1",
                "ZA*QS",
                "SDQ*EA*92*S*1*T",
                "CTT*1",
                "SE*2*1",
                "IEA*1*2",
                "N1*ST*X*92*S",
                "*",
                "",
            ]
        ),
        max_size=30,
    )
)
def test_segment_soup_after_a_valid_header(segments):
    assert well_formed(parse_x12_852((HEADER + "~".join(segments)).encode()))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "ST*830*1",
                "BFR*05*F**BB*A*20261125*20261124*2026112",
                "N1*ST*X*92*S",
                "LIN**VN*A",
                "LIN*1",
                "UIT*EA",
                "UIT*CA>1",
                "FST*1*C*D*20261125",
                "FST*2*D*W*20291231",
                "FST*3*D*M*29991231",
                "FST*4*D*F*20261201",
                "FST*x*Z*Q*1",
                "FST",
                "CTT*1",
                "SE*2*1",
                "IEA*1*2",
                "*",
                "",
            ]
        ),
        max_size=30,
    )
)
def test_830_segment_soup_after_a_valid_header(segments):
    assert well_formed(parse_x12_830((HEADER + "~".join(segments)).encode()))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "UNH+1+DELFOR:D:96A:UN",
                "UNH+2+INVRPT:D:96A:UN",
                "BGM+241+X",
                "UNS+D",
                "UNS+S",
                "DTM+137:20261124:102",
                "DTM+158:20261125:102",
                "DTM+159:2026:102",
                "DTM+2:20261201-20261207:718",
                "DTM+2:x:203",
                "NAD+ST+S::92",
                "NAD+BY",
                "LOC+11+S",
                "LIN+1++A:SA",
                "LIN",
                "PIA+1+B:IN",
                "QTY+1:4:PCE",
                "QTY+1",
                "QTY+3:9",
                "SCC+4",
                "SCC",
                "RFF+AAN:1",
                "UNT+2+1",
                "UNZ+1+R",
                "+",
                "",
            ]
        ),
        max_size=30,
    )
)
def test_delfor_segment_soup_after_a_valid_header(segments):
    interchange = "UNA:+.? 'UNB+UNOC:3+A:ZZZ+B:ZZZ+261124:0700+R'" + "'".join(segments)
    assert well_formed(parse_edifact_delfor(interchange.encode()))


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        (SAMPLES / "stock_852.x12", parse_x12_852),
        (FORECASTS / "forecast_830.x12", parse_x12_830),
        (FORECASTS / "forecast_delfor.edi", parse_edifact_delfor),
    ],
)
def test_every_prefix_of_an_edi_sample(path, parser):
    document = path.read_bytes()
    for cut in range(len(document) + 1):
        report = parser(document[:cut])
        assert well_formed(report)
        if cut < len(document.rstrip()):
            assert (
                report.errors
            ), f"a document cut at {cut} bytes is reported as damaged"
