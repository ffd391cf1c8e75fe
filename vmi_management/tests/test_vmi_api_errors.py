import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.urls import url_encode

from odoo.tests import HttpCase, tagged

from .intake_common import VmiIntakeCommon

REPORTS = "/vmi/api/v1/stock-reports"

# JSON values of any shape, as a buggy or hostile client may send them
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
FIELDS = (
    "agreement",
    "as_of",
    "reference",
    "period_start",
    "period_end",
    "lines",
    "document",
    "filename",
)
LINE_FIELDS = (
    "product",
    "location",
    "on_hand",
    "consumed",
    "period_start",
    "period_end",
    "forecast",
    "unit",
)


@tagged("post_install", "-at_install")
class TestVmiApiErrors(VmiIntakeCommon, HttpCase):
    """Whatever a customer's system sends, the API answers with what is wrong and how to
    fix it: a 4xx naming the problem, or a kept report whose problems and rejected lines
    say it; never a server error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.portal_user(cls.customer, "errors_buyer")
        cls.key = cls.api_key(cls.buyer)

    def call(self, path, data=None, headers=None):
        return self.url_open(
            path,
            data=data,
            headers={"Authorization": f"Bearer {self.key}", **(headers or {})},
        )

    def post_json(self, body):
        return self.call(
            REPORTS, data=json.dumps(body), headers={"Content-Type": "application/json"}
        )

    def assert_bad_request(self, response, *fragments):
        self.assertEqual(response.status_code, 400, response.text)
        for fragment in fragments:
            self.assertIn(fragment, response.json()["error"])

    def lines_body(self, **values):
        return {
            "agreement": self.agreement.name,
            "lines": [{"product": "FURN-0001", "location": "SITE-NORTH", "on_hand": 3}],
            **values,
        }

    def test_edifact_without_stock_or_sales_message_is_kept_rejected(self):
        orders = self.sample("stock_invrpt.edi").replace(
            b"INVRPT:D:96A", b"ORDERS:D:96A"
        )
        response = self.call(
            f"{REPORTS}?{url_encode({'agreement': self.agreement.name})}",
            data=orders,
            headers={"Content-Type": "application/edifact"},
        )
        self.assertEqual(response.status_code, 201, response.text)
        report = response.json()["report"]
        self.assertEqual(report["state"], "rejected")
        self.assertIn(
            "Segment 2 (UNH): message type 'ORDERS' is not accepted; send INVRPT "
            "(stock report) or SLSRPT (sales report) messages.",
            report["problems"],
        )
        record = self.env["vmi.stock.report"].browse(report["id"])
        self.assertEqual(
            (record.payload_format, record.attachment_id.raw),
            ("edifact", orders),
            "kept as sent",
        )

    def test_as_of_beyond_the_calendar_is_kept_rejected(self):
        """Year 1 at +05:00 is before the calendar once in UTC, and so is its day where
        the company lives."""
        self.env.company.partner_id.tz = "Asia/Kolkata"
        for as_of in (
            "0001-01-01T00:00:00+05:00",
            "0001-01-01",
            "9999-12-31T23:00:00-05:00",
        ):
            with self.subTest(as_of=as_of):
                response = self.post_json(self.lines_body(as_of=as_of))
                self.assertEqual(response.status_code, 201, response.text)
                report = response.json()["report"]
                self.assertEqual(report["state"], "rejected")
                self.assertEqual(
                    report["problems"],
                    [
                        f"as_of: '{as_of}' is out of range; send a date from "
                        "1900-01-01 to 2999-12-31."
                    ],
                )

    def test_wrapper_fields_must_be_text(self):
        document = self.sample("stock_invrpt.edi").decode()
        for name, value in (
            ("filename", 5),
            ("filename", ["a.edi"]),
            ("agreement", 7),
            ("document", 12),
        ):
            with self.subTest(name=name, value=value):
                body = {
                    "agreement": self.agreement.name,
                    "document": document,
                    name: value,
                }
                self.assert_bad_request(self.post_json(body), f'"{name}" must be text')

    def test_nul_in_a_csv_code_rejects_that_line_only(self):
        body = self.csv(
            "FURN-0001,SITE-NORTH,12,2",
            "FURN\x000002,SITE-NORTH,4,1",
            "FURN-0003,SITE-\x00,4,1",
        )
        query = url_encode({"agreement": self.agreement.name, "filename": "stock.csv"})
        response = self.call(
            f"{REPORTS}?{query}", data=body, headers={"Content-Type": "text/csv"}
        )
        self.assertEqual(response.status_code, 201, response.text)
        report = response.json()["report"]
        self.assertEqual(report["state"], "partially_rejected")
        self.assertEqual(
            [
                (line["state"], line["product"], line["reason"])
                for line in report["lines"]
            ],
            [
                ("accepted", "FURN-0001", None),
                (
                    "rejected",
                    "FURN\\x000002",
                    "Row 3: the product code 'FURN\\x000002' contains a NUL character "
                    "(shown as \\x00); send it without.",
                ),
                (
                    "rejected",
                    "FURN-0003",
                    "Row 4: the location 'SITE-\\x00' contains a NUL character "
                    "(shown as \\x00); send it without.",
                ),
            ],
        )

    def test_shipment_parameters_are_checked(self):
        for query, fragments in (
            (
                "limit=abc",
                ('"limit" must be a whole number from 1 to 1000, not "abc".',),
            ),
            ("limit=-1", ('"limit" must be a whole number from 1 to 1000, not "-1".',)),
            (
                "limit=1001",
                ('"limit" must be a whole number from 1 to 1000, not "1001".',),
            ),
            (
                "since=not-a-date",
                (
                    '"since" must be a date (YYYY-MM-DD) or a UTC date and time',
                    '"not-a-date"',
                ),
            ),
            (
                "since=2026-13-45",
                ('"since" must be a date (YYYY-MM-DD)', '"2026-13-45"'),
            ),
        ):
            with self.subTest(query=query):
                self.assert_bad_request(
                    self.call(f"/vmi/api/v1/shipments?{query}"), *fragments
                )
        self.assertEqual(
            self.call("/vmi/api/v1/shipments?since=2026-11-01&limit=5").status_code, 200
        )
        self.assertEqual(
            self.call("/vmi/api/v1/shipments?since=2026-11-01T06:00:00Z").status_code,
            200,
        )
        self.assert_bad_request(
            self.call("/vmi/api/v1/shipments/1/asn?format=pdf"),
            '"format" must be x12 or edifact, not "pdf".',
        )

    def test_readme_curl_without_content_type(self):
        """``curl --data-binary @852.x12`` says application/x-www-form-urlencoded: the
        body is the document."""
        query = url_encode({"agreement": self.agreement.name, "filename": "852.x12"})
        response = self.call(
            f"{REPORTS}?{query}",
            data=self.sample("stock_852.x12"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["report"]["state"], "processed", response.text)
        self.assertEqual(
            self.env["vmi.stock.report"]
            .browse(response.json()["report"]["id"])
            .payload_format,
            "x12_852",
        )

    def test_form_upload_is_refused_with_the_way_to_send(self):
        query = url_encode({"agreement": self.agreement.name})
        response = self.url_open(
            f"{REPORTS}?{query}",
            headers={"Authorization": f"Bearer {self.key}"},
            files={"file": ("852.x12", self.sample("stock_852.x12"))},
        )
        self.assert_bad_request(response, "--data-binary")

    def test_review_pdf_from_the_portal(self):
        self.authenticate("errors_buyer", "errors_buyer-secret")
        response = self.url_open(f"/my/vmi/{self.agreement.id}/review?download=1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        filename = f"VMI_review_{self.agreement.name.replace('/', '_')}.pdf"
        self.assertIn(filename, response.headers["Content-Disposition"])
        # tests render PDF reports as their HTML unless forced
        self.assertIn(
            f"Performance review <span>{self.agreement.name}</span>", response.text
        )

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        body=st.one_of(
            JSON_VALUES,
            st.fixed_dictionaries({}, optional={name: JSON_VALUES for name in FIELDS}),
            st.fixed_dictionaries(
                {
                    "lines": st.lists(
                        st.fixed_dictionaries(
                            {}, optional={name: JSON_VALUES for name in LINE_FIELDS}
                        ),
                        max_size=3,
                    )
                },
                optional={
                    name: JSON_VALUES
                    for name in ("as_of", "reference", "period_start", "period_end")
                },
            ),
        ),
        params=st.dictionaries(
            st.sampled_from(("since", "limit", "agreement", "filename", "format")),
            st.text(max_size=12),
            max_size=3,
        ),
    )
    def test_fuzz_never_a_server_error(self, body, params):
        if (
            isinstance(body, dict) and "agreement" not in body
        ):  # reach the parsers, not only the 404
            body["agreement"] = self.agreement.name
        query = url_encode(params)
        answer = self.call(
            f"{REPORTS}?{query}",
            data=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        self.assertLess(answer.status_code, 500, f"{body!r}: {answer.text}")
        answer = self.call(f"/vmi/api/v1/shipments?{query}")
        self.assertLess(answer.status_code, 500, f"{params!r}: {answer.text}")
