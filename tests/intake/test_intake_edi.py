"""X12 852 and EDIFACT INVRPT/SLSRPT in, X12 856 and DESADV out."""

import io
from datetime import date, datetime

from pyx12.rawx12file import RawX12File

from vmi_management.intake import (
    Shipment,
    ShipmentLine,
    build_edifact_desadv,
    build_x12_856,
    detect_format,
    parse_document,
    parse_edifact,
    parse_x12_852,
)
from vmi_management.intake.edifact import read_segments

ISA = (
    "ISA*00*          *00*          *ZZ*ACMECLINICS    *ZZ*VENDORCO       "
    "*261124*0615*U*00401*000000852*0*P*>~"
)


def x12(*body, se=None, ctt=None, iea="000000852"):
    """An 852 interchange around ``body`` (the segments after ST), counts right unless
    told."""
    transaction = ["ST*852*0001", *body]
    lines = sum(segment.startswith("LIN*") for segment in body)
    transaction.append(f"CTT*{lines if ctt is None else ctt}")
    transaction.append(f"SE*{len(transaction) + 1 if se is None else se}*0001")
    segments = [
        ISA[:-1],
        "GS*PD*ACMECLINICS*VENDORCO*20261124*0615*852*X*004010",
        *transaction,
        "GE*1*852",
        f"IEA*1*{iea}",
    ]
    return ("~\n".join(segments) + "~\n").encode()


XQ = "XQ*H*20261117*20261123*RPT-1"


def test_852_sample(sample):
    report = parse_x12_852(sample("stock_852.x12"))
    assert report.errors == []
    assert (report.reference, report.interchange_ref, report.sender) == (
        "RPT-20261123-01",
        "000000852",
        "ACMECLINICS",
    )
    assert (
        report.period_start,
        report.period_end,
        report.as_of,
        report.as_of_date,
    ) == (date(2026, 11, 17), date(2026, 11, 23), None, date(2026, 11, 23)), (
        "XQ dates the figures by the period-end day alone: its end, in the receiver's "
        "time zone, is the as-of"
    )
    summary = [
        (line.product_codes[0], line.location_code, line.on_hand, line.consumed)
        for line in report.lines
    ]
    assert summary == [
        ("CUST-7781", "SITE-NORTH", 12.0, 5.0),
        ("CUST-7781", "SITE-SOUTH", 7.0, 2.0),
        ("FURN-0002", "SITE-NORTH", 4.0, 1.0),
        ("00012345600036", "SITE-NORTH", 3.0, None),
    ], "QA and QS merge per product and location; ZA02 goes to the N1 location"
    assert report.lines[0].product_codes == (
        "CUST-7781",
        "FURN-0001",
        "00012345600012",
    ), "buyer, vendor, GTIN"
    assert all(line.error is None for line in report.lines)


def test_852_envelope_counts_are_checked(sample):
    report = parse_x12_852(sample("stock_852_bad_counts.x12"))
    assert report.errors == [
        "Segment 18 (CTT): CTT01 says 5 line items, the transaction set has 3.",
        "Segment 19 (SE): SE01 says 12 segments, the transaction set has 17.",
    ]
    assert len(report.lines) == 4, "what could be read is kept"
    wrong_iea = parse_x12_852(x12(XQ, "LIN*1*VN*A", "ZA*QA*1", iea="000000999"))
    assert wrong_iea.errors == [
        "Segment 10 (IEA): IEA02 '000000999' does not match ISA13 '000000852'."
    ]


def test_852_group_and_interchange_counts_are_checked():
    """GE01 counts the transaction sets of its group, IEA01 the groups of the
    interchange."""
    body = (XQ, "LIN*1*VN*A", "ZA*QA*1")
    good = x12(*body).decode()
    assert parse_x12_852(good.replace("GE*1*852", "GE*2*852").encode()).errors == [
        "Segment 9 (GE): GE01 says 2 transaction sets, the functional group has 1."
    ]
    assert parse_x12_852(good.replace("GE*1*852", "GE*1*999").encode()).errors == [
        "Segment 9 (GE): GE02 '999' does not match GS06 '852'."
    ]
    assert parse_x12_852(good.replace("IEA*1*", "IEA*3*").encode()).errors == [
        "Segment 10 (IEA): IEA01 says 3 functional groups, the interchange has 1."
    ]
    no_ge = parse_x12_852(good.replace("GE*1*852~\n", "").encode())
    assert no_ge.errors == [
        "Segment 2 (GS): the functional group has no GE; the file looks truncated."
    ]
    two_groups = good.replace(
        "GE*1*852~\n",
        "GE*1*852~\nGS*PD*ACMECLINICS*VENDORCO*20261124*0615*853*X*004010~\n"
        "ST*852*0001~\nXQ*H*20261117*20261123*RPT-2~\nLIN*1*VN*B~\nZA*QA*2~\nCTT*1~\n"
        "SE*6*0001~\nGE*1*853~\n",
    )
    assert parse_x12_852(two_groups.encode()).errors == [
        "Segment 18 (IEA): IEA01 says 1 functional groups, the interchange has 2."
    ]
    assert parse_x12_852(two_groups.replace("IEA*1*", "IEA*2*").encode()).errors == []


def test_852_reference_is_the_report_id_or_the_whole_envelope_key():
    """Translators number ST02 0001 every time: without XQ04, sender, ISA13, GS06 and
    ST02 together identify the document; with XQ04, the sender's report id does."""
    assert parse_x12_852(x12(XQ, "LIN*1*VN*A", "ZA*QA*1")).reference == "RPT-1"
    without_id = parse_x12_852(x12("XQ*H*20261117*20261123", "LIN*1*VN*A", "ZA*QA*1"))
    assert (without_id.errors, without_id.reference) == (
        [],
        "ACMECLINICS/000000852/852/0001",
    )
    next_week = parse_x12_852(
        x12("XQ*H*20261124*20261130", "LIN*1*VN*A", "ZA*QA*1", iea="000000853").replace(
            b"000000852*0*P", b"000000853*0*P"
        )
    )
    assert (next_week.errors, next_week.reference) == (
        [],
        "ACMECLINICS/000000853/852/0001",
    )
    assert without_id.sender_ids == [
        "ACMECLINICS"
    ], "ISA06 and GS02 name the same sender once"
    other_gs = parse_x12_852(
        x12(XQ, "LIN*1*VN*A", "ZA*QA*1").replace(
            b"GS*PD*ACMECLINICS", b"GS*PD*ACME-APP"
        )
    )
    assert other_gs.sender_ids == ["ACMECLINICS", "ACME-APP"]


def test_edifact_reference_is_the_document_number_or_the_envelope_key(sample):
    text = sample("stock_invrpt.edi").decode()
    stock = parse_edifact(text.encode())
    assert (stock.reference, stock.sender_ids) == ("INV-20261124-01", ["ACMECLINICS"])
    without_number = parse_edifact(
        text.replace("BGM+35+INV-20261124-01+9'", "BGM+35'").encode()
    )
    assert (without_number.errors, without_number.reference) == (
        [],
        "ACMECLINICS/INV0001/1",
    )


def test_852_line_problems():
    report = parse_x12_852(
        x12(
            XQ,
            "LIN*1*VN*A",
            "ZA*QA",
            "SDQ*EA*92*S1*3*S2",
            "LIN*2*VN*B",
            "ZA*ZZ*4",
            "LIN*3*VN*C",
            "ZA*QA",
            "SDQ*EA*92*S1*-2",
            "LIN*4*VN*D",
            "ZA*QS",
            "SDQ*EA*92*S1*lots",
            "LIN*5*VN*E",
        )
    )
    assert report.errors == []
    assert [line.error for line in report.lines] == [
        (
            "Segment 7 (SDQ): 3 values after SDQ02; locations and quantities come in "
            "pairs."
        ),
        (
            "Segment 9 (ZA), ZA01: 'ZZ' is not an activity code this report "
            "understands (QA on hand, QS sold)."
        ),
        "Segment 12 (SDQ), SDQ04: -2 is negative; report a quantity of 0 or more.",
        "Segment 15 (SDQ), SDQ04: 'lots' is not a number.",
        "Segment 16 (LIN): no on-hand (QA) or sold (QS) quantity follows.",
    ]


def test_852_unit_of_each_product():
    report = parse_x12_852(
        x12(
            XQ,
            "LIN*1*VN*A",
            "ZA*QA*3*CA",
            "ZA*QS*1*CA",
            "LIN*2*VN*B",
            "ZA*QA",
            "SDQ*DZN*92*S1*2",
            "LIN*3*VN*C",
            "ZA*QA*4",
            "LIN*4*VN*D",
            "ZA*QA",
            "SDQ*EA*92*S1*5",
            "ZA*QS",
            "SDQ*CA*92*S1*1",
        )
    )
    assert [
        (line.product_codes, line.uom, line.on_hand, line.consumed)
        for line in report.lines
    ] == [
        (("A",), "CA", 3.0, 1.0),
        (("B",), "DZN", 2.0, None),
        (("C",), "", 4.0, None),
        (("D",), "EA", 5.0, 1.0),
    ]
    assert [line.error for line in report.lines] == [
        None,
        None,
        None,
        (
            "Segment 17 (SDQ), SDQ01: unit 'CA' differs from 'EA' given earlier for "
            "this product; send all its "
            "quantities in one unit."
        ),
    ], "ZA03 or SDQ01 is the unit; two units for one product are not mixed silently"


def test_852_truncated_and_bad_headers():
    whole = x12(XQ, "LIN*1*VN*A", "ZA*QA*1")
    cut = parse_x12_852(whole[: whole.index(b"CTT") + 2])
    assert cut.lines and cut.lines[0].on_hand == 1.0
    assert any("truncated" in error for error in cut.errors)
    assert (
        parse_x12_852(b"hello")
        .errors[0]
        .startswith("Segment 1 (ISA): not a readable X12 interchange header")
    )
    assert parse_x12_852(x12("XQ*H*20261399*20261123*R")).errors == [
        "Segment 4 (XQ), XQ02: '20261399' is not a date (CCYYMMDD)."
    ]
    reversed_period = parse_x12_852(x12("XQ*H*20261123*20261117*R"))
    assert reversed_period.errors == [
        "Segment 4 (XQ): the period ends (2026-11-17) before it starts (2026-11-23)."
    ]


def test_edifact_samples(sample):
    stock = parse_edifact(sample("stock_invrpt.edi"))
    assert (stock.format, stock.errors, stock.reference, stock.as_of) == (
        "edifact_invrpt",
        [],
        "INV-20261124-01",
        datetime(2026, 11, 24, 6, 0),
    )
    assert [
        (line.product_codes, line.location_code, line.on_hand) for line in stock.lines
    ] == [
        (("CUST-7781", "FURN-0001", "00012345600012"), "SITE-NORTH", 14.0),
        (("FURN-0002", "00012345600029"), "SITE-SOUTH", 6.0),
    ]
    sales = parse_edifact(sample("sales_slsrpt.edi"))
    assert (sales.format, sales.errors, sales.period_start, sales.period_end) == (
        "edifact_slsrpt",
        [],
        date(2026, 11, 17),
        date(2026, 11, 23),
    )
    assert (stock.as_of_date, sales.as_of, sales.as_of_date) == (
        None,
        None,
        date(2026, 11, 23),
    ), (
        "a 366 with a time is kept as sent; sales figures describe their period, not "
        "the document date (137)"
    )
    assert [
        (line.location_code, line.on_hand, line.consumed) for line in sales.lines
    ] == [("SITE-NORTH", None, 9.0), ("SITE-NORTH", None, 3.0)]


def test_edifact_as_of_is_the_moment_the_figures_describe(sample):
    """366 (inventory date) first, then the period end, then the document date (137); a
    day stays a day."""
    stock, sales = (
        sample("stock_invrpt.edi").decode(),
        sample("sales_slsrpt.edi").decode(),
    )

    def as_of(text):
        report = parse_edifact(text.encode())
        assert report.errors == []
        return report.as_of, report.as_of_date

    assert as_of(
        stock.replace("DTM+366:202611240600:203'", "DTM+366:20261123:102'")
    ) == (None, date(2026, 11, 23))
    assert as_of(
        stock.replace("DTM+366:202611240600:203'", "DTM+90:20261101:102'")
    ) == (None, date(2026, 11, 24)), "a period without an end: the document date"
    assert as_of(
        sales.replace("DTM+137:20261124:102'", "DTM+366:202611231730:203'")
    ) == (
        datetime(2026, 11, 23, 17, 30),
        None,
    ), "a stated inventory moment wins over the period, whatever the order"
    assert as_of(
        sales.replace("DTM+137:20261124:102'", "DTM+137:202611240615:203'")
    ) == (
        None,
        date(2026, 11, 23),
    ), "the document date says when it was written, the period what it describes"


def test_edifact_envelope_and_message_checks(sample):
    text = sample("stock_invrpt.edi").decode()
    assert parse_edifact(text.replace("UNT+16+1", "UNT+15+1").encode()).errors == [
        "Segment 17 (UNT), 0074: says 15 segments, the message has 16."
    ]
    assert parse_edifact(
        text.replace("UNZ+1+INV0001", "UNZ+1+OTHER").encode()
    ).errors == ["Segment 18 (UNZ), 0020: 'OTHER' does not match UNB 'INV0001'."]
    orders = parse_edifact(text.replace("INVRPT:D:96A", "ORDERS:D:96A").encode())
    assert orders.errors[0] == (
        "Segment 2 (UNH): message type 'ORDERS' is not accepted; send INVRPT (stock "
        "report) or SLSRPT (sales report) messages."
    )
    assert (
        orders.format == "edifact"
    ), "neither a stock nor a sales report: kept as EDIFACT of no known message"
    negative = parse_edifact(text.replace("QTY+145:14", "QTY+145:-14").encode())
    assert negative.lines[0].error == (
        "Segment 11 (QTY), C186 6060: -14 is negative; report a quantity of 0 or "
        "more."
    )
    cut = parse_edifact(text[: text.index("UNT")].encode())
    assert cut.errors == [
        "Segment 2 (UNH): the message has no UNT; the file looks truncated."
    ]
    assert len(cut.lines) == 2


def test_edifact_unit_of_each_product(sample):
    text = sample("stock_invrpt.edi").decode()
    assert [line.uom for line in parse_edifact(text.encode()).lines] == ["PCE", "PCE"]
    mixed = parse_edifact(
        text.replace("QTY+145:14:PCE'", "QTY+145:14:PCE'QTY+153:2:DZN'")
        .replace("UNT+16+1", "UNT+17+1")
        .encode()
    )
    assert mixed.errors == []
    assert mixed.lines[0].error == (
        "Segment 12 (QTY), C186 6411: unit 'DZN' differs from 'PCE' given earlier for "
        "this product; send all its quantities in one unit."
    )


def test_release_character_is_honoured(sample):
    text = sample("stock_invrpt.edi").decode().replace("FURN-0002:SA", "FURN?+0002:SA")
    assert parse_edifact(text.encode()).lines[1].product_codes[0] == "FURN+0002"


def test_detection():
    assert detect_format(b"\xef\xbb\xbf ISA*00") == "x12_852"
    assert detect_format(b"UNA:+.? 'UNB") == "edifact"
    assert detect_format(b"PK\x03\x04...") == "xlsx"
    assert detect_format(b"anything", "count.XLSX") == "xlsx"
    assert detect_format(b"product,on_hand") == "csv"
    assert parse_document(b"UNB+UNOC:3+A+B+261124:0615+1'UNZ+0+1'").errors == [
        (
            "The interchange holds no message; send INVRPT (stock report) or SLSRPT "
            "(sales report) messages."
        )
    ]


SHIPMENT = Shipment(
    number="WH/INT/00007",
    date_shipped=datetime(2026, 11, 24, 8, 30),
    date_expected=datetime(2026, 11, 25, 9),
    order_ref="PO*7781~",
    sender_id="VENDORCO",
    sender_name="Vendor Co",
    receiver_id="ACME",
    receiver_name="Acme Clinics",
    ship_to_code="SITE-NORTH",
    ship_to_name="Acme, Site A",
    lines=[
        ShipmentLine("FURN-0001", "CUST-7781", "Office Chair", 8.0, lot="L1"),
        ShipmentLine("FURN-0002", "", "Standing Desk", 2.5, uom="KGM"),
    ],
    control_number=1234,
)


def test_x12_856_reads_back_with_pyx12():
    document = build_x12_856(SHIPMENT)
    raw = RawX12File(io.StringIO(document))
    segments = [segment.strip() for segment in raw]
    tags = [segment.split("*")[0] for segment in segments]
    assert tags[:3] == ["ISA", "GS", "ST"] and tags[-3:] == ["SE", "GE", "IEA"]
    st, se = tags.index("ST"), tags.index("SE")
    assert segments[se] == f"SE*{se - st + 1}*0001"
    assert (
        segments[-1] == "IEA*1*000001234" and segments[0].split("*")[13] == "000001234"
    )
    assert "PRF*PO 7781" in segments, "delimiters in values never break the document"
    assert "LIN*1*VN*FURN-0001*BP*CUST-7781*LT*L1" in segments
    assert "SN1**2.5*KGM" in segments
    assert tags.count("HL") == 4 and segments[tags.index("CTT")] == "CTT*2"


def test_desadv_reads_back_with_pydifact():
    segments = list(read_segments(build_edifact_desadv(SHIPMENT)))
    tags = [segment.tag for segment in segments]
    assert tags[0] == "UNB" and tags[-1] == "UNZ"
    unh, unt = tags.index("UNH"), tags.index("UNT")
    assert segments[unt].elements[0] == str(unt - unh + 1)
    assert segments[tags.index("BGM")].elements[:2] == ["351", "WH/INT/00007"]
    quantities = [segment.elements[0] for segment in segments if segment.tag == "QTY"]
    assert quantities == [["12", "8", "EA"], ["12", "2.5", "KGM"]]
    assert segments[tags.index("RFF")].elements[0] == [
        "ON",
        "PO*7781~",
    ], "pydifact escapes what needs it"
