"""Whatever arrives, the parsers answer with a report and reasons, never an exception."""
from pathlib import Path

from hypothesis import given, settings, strategies as st

from vmi_management.intake import ParsedReport, parse_csv, parse_document, parse_edifact, parse_x12_852, parse_xlsx

SAMPLES = Path(__file__).resolve().parents[2] / "vmi_management" / "tests" / "samples"

SAMPLE_NAMES = ("stock_852.x12", "stock_852_bad_counts.x12", "stock_invrpt.edi", "sales_slsrpt.edi",
                "stock_report.csv")
PARSERS = (parse_document, parse_csv, parse_xlsx, parse_x12_852, parse_edifact)


def well_formed(report):
    return isinstance(report, ParsedReport) and all(isinstance(error, str) for error in report.errors)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(PARSERS))
def test_arbitrary_bytes(data, parser):
    assert well_formed(parser(data))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SAMPLE_NAMES), st.data())
def test_truncated_and_mutated_samples(name, data):
    document = (SAMPLES / name).read_bytes()
    cut = data.draw(st.integers(0, len(document)))
    assert well_formed(parse_document(document[:cut]))
    position = data.draw(st.integers(0, len(document) - 1))
    noise = data.draw(st.binary(min_size=1, max_size=4))
    assert well_formed(parse_document(document[:position] + noise + document[position + 1:]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["ISA", "ST*852*1", "XQ*H*20261101", "LIN*1*VN*A", "ZA*QA*1", "ZA*QS",
                                 "SDQ*EA*92*S*1*T", "CTT*1", "SE*2*1", "IEA*1*2", "N1*ST*X*92*S", "*", ""]),
                max_size=30))
def test_segment_soup_after_a_valid_header(segments):
    header = ("ISA*00*          *00*          *ZZ*ACMECLINICS    *ZZ*VENDORCO       *261124*0615*U*00401*000000852"
              "*0*P*>~")
    assert well_formed(parse_x12_852((header + "~".join(segments)).encode()))


def test_every_prefix_of_the_852_sample():
    document = (SAMPLES / "stock_852.x12").read_bytes()
    for cut in range(len(document) + 1):
        report = parse_x12_852(document[:cut])
        assert well_formed(report)
        if cut < len(document.rstrip()):
            assert report.errors, f"a document cut at {cut} bytes is reported as damaged"
