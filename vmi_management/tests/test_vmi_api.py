import json
import os
import subprocess
import sys
from datetime import timedelta

from werkzeug.urls import url_encode

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .intake_common import VmiIntakeCommon

CLIENT = os.path.join(
    os.path.dirname(__file__), "..", "..", "examples", "vmi_client.py"
)


@tagged("post_install", "-at_install")
class TestVmiApi(VmiIntakeCommon, HttpCase):
    """The customer's systems push reports and pull shipment notices with an API key of
    their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.portal_user(cls.customer, "buyer_a")
        cls.other_buyer = cls.portal_user(cls.other_customer, "buyer_b")
        cls.other_agreement = cls.intake_agreement(
            cls.other_customer, "customer_owned", barcodes=("ZEN-1",)
        )
        cls.key = cls.api_key(cls.buyer)
        cls.other_key = cls.api_key(cls.other_buyer)

    def post(self, key, path="/vmi/api/v1/stock-reports", **kwargs):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return self.url_open(
            path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def post_json(self, key, body):
        return self.post(
            key, data=json.dumps(body), headers={"Content-Type": "application/json"}
        )

    def json_lines(self, *lines, agreement=None):
        return {
            "agreement": (agreement or self.agreement).name,
            "reference": "feed-1",
            "as_of": fields.Datetime.to_string(
                fields.Datetime.now() - timedelta(hours=1)
            ),
            "lines": list(lines),
        }

    def test_json_lines_answer_per_line(self):
        response = self.post_json(
            self.key,
            self.json_lines(
                {
                    "product": "FURN-0001",
                    "location": "SITE-NORTH",
                    "on_hand": 12,
                    "consumed": 3,
                },
                {"product": "NOPE-404", "location": "SITE-NORTH", "on_hand": 1},
            ),
        )
        self.assertEqual(response.status_code, 201, response.text)
        report = response.json()["report"]
        self.assertEqual(report["state"], "partially_rejected")
        self.assertFalse(report["repeated"])
        self.assertEqual(
            [line["state"] for line in report["lines"]], ["accepted", "rejected"]
        )
        self.assertRegex(report["lines"][1]["reason"], "Unknown product code NOPE-404")
        record = self.env["vmi.stock.report"].browse(report["id"])
        self.assertEqual(
            (record.source, record.payload_format, record.reference),
            ("api", "json", "feed-1"),
        )
        self.assertEqual(record.create_uid, self.buyer)

        again = self.post_json(
            self.key,
            self.json_lines(
                {
                    "product": "FURN-0001",
                    "location": "SITE-NORTH",
                    "on_hand": 12,
                    "consumed": 3,
                },
                {"product": "NOPE-404", "location": "SITE-NORTH", "on_hand": 1},
            ),
        )
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["report"]["id"], report["id"])
        self.assertTrue(again.json()["report"]["repeated"])

    def test_raw_edi_document(self):
        query = url_encode({"agreement": self.agreement.name, "filename": "852.x12"})
        response = self.post(
            self.key,
            path=f"/vmi/api/v1/stock-reports?{query}",
            data=self.sample("stock_852.x12"),
            headers={"Content-Type": "application/edi-x12"},
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["report"]["state"], "processed", response.text)
        wrapped = self.post_json(
            self.key,
            {
                "agreement": self.agreement.name,
                "document": self.sample("stock_invrpt.edi").decode(),
            },
        )
        self.assertEqual(wrapped.status_code, 201, wrapped.text)

    def test_customer_cannot_reach_another_customers_agreement(self):
        before = self.env["vmi.stock.report"].search_count([])
        response = self.post_json(
            self.other_key,
            self.json_lines(
                {"product": "FURN-0001", "location": "SITE-NORTH", "on_hand": 12}
            ),
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            response.json()["error"],
            f"No agreement {self.agreement.name} for your company.",
        )
        self.assertEqual(
            self.env["vmi.stock.report"].search_count([]), before, "nothing written"
        )

    def test_unauthenticated_or_bad_requests(self):
        body = self.json_lines(
            {"product": "FURN-0001", "location": "SITE-NORTH", "on_hand": 1}
        )
        self.assertEqual(self.post_json(None, body).status_code, 401)
        self.assertEqual(self.post_json("not-a-key", body).status_code, 401)
        expired = self.api_key(
            self.buyer, expiration=fields.Datetime.now() - timedelta(days=1)
        )
        self.assertEqual(self.post_json(expired, body).status_code, 401)
        broken = self.post(
            self.key, data=b"{not json", headers={"Content-Type": "application/json"}
        )
        self.assertEqual(broken.status_code, 400)
        self.assertIn("not valid JSON", broken.json()["error"])
        no_lines = self.post_json(
            self.key, {"agreement": self.agreement.name, "lines": "many"}
        )
        self.assertEqual(no_lines.status_code, 201)
        self.assertEqual(no_lines.json()["report"]["state"], "rejected")
        self.assertTrue(no_lines.json()["report"]["problems"])

    def test_shipment_notices_are_the_customers_own(self):
        notice = self.validated_consignment_transfer()
        listing = self.url_open(
            "/vmi/api/v1/shipments", headers={"Authorization": f"Bearer {self.key}"}
        )
        self.assertEqual(
            [shipment["number"] for shipment in listing.json()["shipments"]],
            [notice.name],
        )
        document = self.url_open(
            f"/vmi/api/v1/shipments/{notice.id}/asn?format=edifact",
            headers={"Authorization": f"Bearer {self.key}"},
        )
        self.assertEqual(document.status_code, 200)
        self.assertTrue(document.text.startswith(("UNA", "UNB")))
        other = self.url_open(
            "/vmi/api/v1/shipments",
            headers={"Authorization": f"Bearer {self.other_key}"},
        )
        self.assertEqual(other.json()["shipments"], [])
        guessed = self.url_open(
            f"/vmi/api/v1/shipments/{notice.id}/asn",
            headers={"Authorization": f"Bearer {self.other_key}"},
        )
        self.assertEqual(guessed.status_code, 404)

    def test_example_client_pushes_and_pulls(self):
        """The documented client script, run as a customer would run it, against this
        server."""
        if not os.path.exists(CLIENT):
            self.skipTest(
                "examples/vmi_client.py is not shipped with the installed addon"
            )
        self.validated_consignment_transfer()

        def client(*args):
            # the script's requests read the database, not this test's caches
            self.env.flush_all()
            done = subprocess.run(
                [sys.executable, CLIENT, "--url", self.base_url(), *args],
                capture_output=True,
                text=True,
                timeout=120,
            )
            return done.returncode, json.loads(done.stdout or "{}"), done.stderr

        code, answer, stderr = client(
            "--api-key",
            self.key,
            "push-json",
            "--agreement",
            self.agreement.name,
            "--line",
            "FURN-0001",
            "SITE-NORTH",
            "12",
            "4",
        )
        self.assertEqual(code, 0, stderr)
        self.assertEqual(answer["report"]["state"], "processed")
        code, answer, stderr = client("--api-key", self.key, "shipments")
        self.assertEqual((code, len(answer["shipments"])), (0, 1), stderr)
        code, answer, stderr = client(
            "--api-key", self.key, "asn", str(answer["shipments"][0]["id"])
        )
        self.assertEqual(code, 0, stderr)
        self.assertTrue(answer["document"].startswith("ISA"))
        code, answer, stderr = client(
            "--api-key",
            self.other_key,
            "push-json",
            "--agreement",
            self.agreement.name,
            "--line",
            "FURN-0001",
            "SITE-NORTH",
            "1",
            "0",
        )
        self.assertEqual((code, answer["status"]), (1, 404), stderr)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "vmi_agreement_id": self.agreement.id,
                "vmi_location_id": self.north.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.chair.id, "product_uom_qty": 6.0}
                    )
                ],
            }
        )
        order.message_subscribe(partner_ids=self.buyer.partner_id.ids)
        self.env["sale.order"].create(
            {
                "partner_id": self.other_customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.chair.id, "product_uom_qty": 1.0}
                    )
                ],
            }
        )
        code, answer, stderr = client(
            "orders",
            "--db",
            self.env.cr.dbname,
            "--login",
            "buyer_a",
            "--password",
            "buyer_a-secret",
        )
        self.assertEqual(code, 0, stderr)
        self.assertEqual([record["name"] for record in answer["records"]], [order.name])
