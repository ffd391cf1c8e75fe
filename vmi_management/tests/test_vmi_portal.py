import html
import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestVmiPortal(VmiIntakeCommon, HttpCase):
    """Each customer's portal users see exactly the stock managed for their company, and
    report counts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.buyer = cls.portal_user(cls.customer, "portal_a")
        cls.other_buyer = cls.portal_user(cls.other_customer, "portal_b")
        cls.consignment, cls.north_site = cls.intake_consignment()
        cls.add_stock(cls.chair, cls.north_site, 3.0)
        cls.add_stock(cls.desk, cls.north_site, 60.0)
        cls.other = cls.intake_agreement(
            cls.other_customer, "consignment", barcodes=("ZEN-N", "ZEN-S")
        )
        cls.env["vmi.replenishment"]._evaluate_now(cls.consignment | cls.other)
        cls.other_report, __ = cls.env["vmi.stock.report"]._receive(
            cls.other,
            b"product,location,on_hand\nFURN-0001,ZEN-N,4\n",
            source="file",
            filename="zen.csv",
        )

    def login(self, user):
        self.authenticate(user.login, f"{user.login}-secret")

    def get(self, path):
        return self.url_open(path, allow_redirects=False)

    def csrf_token(self, path):
        return re.search(
            r'name="csrf_token" value="([^"]+)"', self.get(path).text
        ).group(1)

    def line(self, product, site=None):
        return self.consignment.line_ids.filtered(
            lambda line: line.product_id == product
            and line.location_id == (site or self.north_site)
        )

    def transfer(self, product, quantity, scheduled, validate=False):
        """A consignment transfer of ``product`` to the north site, confirmed (open) or
        validated."""
        self.add_stock(product, self.stock, quantity)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "scheduled_date": scheduled,
                "location_id": self.stock.id,
                "location_dest_id": self.north_site.id,
                "vmi_agreement_id": self.consignment.id,
                "vmi_location_id": self.north_site.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": self.stock.id,
                            "location_dest_id": self.north_site.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        if validate:
            picking.action_assign()
            picking.move_ids.quantity = quantity
            picking.button_validate()
        return picking

    def stock_row(self, page, line):
        """The stock page's table row of ``line``."""
        rows = (
            re.search(r'<tbody class="o_vmi_stock_lines">(.*?)</tbody>', page, re.S)
            .group(1)
            .split("<tr")
        )
        return next(row for row in rows if f'/lines/{line.id}"' in row)

    @staticmethod
    def next_delivery_cell(row):
        cell = re.search(r'o_vmi_next_delivery">(.*?)</td>', row, re.S).group(1)
        return " ".join(re.sub(r"<[^>]+>", " ", cell).split())

    # ------------------------------------------------------------------
    # What each customer sees
    # ------------------------------------------------------------------

    def test_home_counts_the_customers_agreements(self):
        self.login(self.buyer)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["vmi_count"]}
        )
        self.assertEqual(
            counters["vmi_count"], 2, "its two agreements, not the other customer's"
        )
        self.assertIn("/my/vmi", self.get("/my/home").text)

    def test_agreement_list_shows_only_the_customers_own(self):
        self.login(self.buyer)
        page = self.get("/my/vmi")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.consignment.name, page.text)
        self.assertIn(self.agreement.name, page.text)
        self.assertNotIn(self.other.name, page.text)

    def test_stock_page_shows_status_thresholds_and_data_date(self):
        self.login(self.buyer)
        page = self.get(f"/my/vmi/{self.consignment.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Office Chair", page.text)
        self.assertEqual(
            self.line(self.chair).last_status, "below_min", "3 on hand, min 5"
        )
        self.assertEqual(
            self.line(self.desk).last_status, "overstock", "60 on hand, max 40"
        )
        self.assertIn("Below min", page.text)
        self.assertIn("Overstock", page.text)
        self.assertIn("Figures as of the last evaluation", page.text)

        below_min = self.get(f"/my/vmi/{self.consignment.id}?filterby=below_min").text
        self.assertIn("Office Chair", below_min)
        self.assertNotIn("Standing Desk", below_min)
        searched = self.get(f"/my/vmi/{self.consignment.id}?search=desk").text
        self.assertIn("Standing Desk", searched)
        self.assertNotIn("Office Chair", searched)

    def test_stock_page_pages_through_many_lines(self):
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Bulk item {index:03d}",
                    "default_code": f"BULK-{index:03d}",
                    "type": "consu",
                    "is_storable": True,
                }
                for index in range(90)
            ]
        )
        self.consignment.line_ids = [
            Command.create(
                {
                    "product_id": product.id,
                    "location_id": self.north_site.id,
                    "policy": "min_max",
                    "min_qty": 1.0,
                    "max_qty": 2.0,
                }
            )
            for product in products
        ]
        self.login(self.buyer)
        rows = re.compile(r'<tbody class="o_vmi_stock_lines">(.*?)</tbody>', re.S)
        first = rows.search(self.get(f"/my/vmi/{self.consignment.id}").text).group(1)
        second = rows.search(
            self.get(f"/my/vmi/{self.consignment.id}/page/2").text
        ).group(1)
        self.assertEqual(first.count("<tr"), 80)
        self.assertEqual(second.count("<tr"), len(self.consignment.line_ids) - 80)

    def test_stock_download_as_shown(self):
        self.login(self.buyer)
        csv_text = self.get(
            f"/my/vmi/{self.consignment.id}/stock.csv?filterby=below_min"
        ).text
        lines = csv_text.strip().splitlines()
        self.assertEqual(
            lines[0].split(",")[:4], ["product", "customer_code", "site", "status"]
        )
        self.assertEqual(len(lines), 2, csv_text)
        self.assertIn("Office Chair", lines[1])
        self.assertEqual(
            lines[1].split(",")[1],
            "CUST-7781",
            "the customer's own code of the product",
        )
        xlsx = self.get(f"/my/vmi/{self.consignment.id}/stock.xlsx")
        self.assertEqual(xlsx.status_code, 200)
        self.assertTrue(xlsx.content.startswith(b"PK"), "an Excel workbook")

    def test_names_are_escaped(self):
        self.chair.name = "<script>alert('x')</script>Chair"
        self.login(self.buyer)
        page = self.get(f"/my/vmi/{self.consignment.id}").text
        self.assertNotIn("<script>alert('x')</script>", page)
        self.assertIn("&lt;script&gt;", page)

    # ------------------------------------------------------------------
    # Nothing of another customer is reachable
    # ------------------------------------------------------------------

    def test_guessing_another_customers_ids_finds_nothing(self):
        self.login(self.buyer)
        notice = self.env["vmi.shipment.notice"].search([], limit=1)
        for path in (
            f"/my/vmi/{self.other.id}",
            f"/my/vmi/{self.other.id}/page/2",
            f"/my/vmi/{self.other.id}/stock.csv",
            f"/my/vmi/{self.other.id}/count",
            f"/my/vmi/{self.other.id}/reports/{self.other_report.id}",
            f"/my/vmi/{self.consignment.id}/reports/{self.other_report.id}",
            "/my/vmi/999999",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).status_code, 404)
        token = self.csrf_token(f"/my/vmi/{self.consignment.id}/count")
        for path in (
            f"/my/vmi/{self.other.id}/count",
            f"/my/vmi/{self.other.id}/upload",
            f"/my/vmi/{self.consignment.id}/shipments/"
            f"{notice.id or 999999}/acknowledge",
        ):
            with self.subTest(path=path):
                answer = self.url_open(
                    path, data={"csrf_token": token}, allow_redirects=False
                )
                self.assertEqual(answer.status_code, 404)
        self.assertEqual(
            self.other.stock_report_ids,
            self.other_report,
            "nothing was received for the other",
        )

    def test_orm_and_rpc_keep_to_the_customers_own(self):
        Agreement = self.env["vmi.agreement"].with_user(self.buyer)
        self.assertEqual(Agreement.search([]), self.consignment | self.agreement)
        self.assertFalse(
            self.env["vmi.agreement.line"]
            .with_user(self.buyer)
            .search([("agreement_id", "=", self.other.id)])
        )
        with self.assertRaises(AccessError):
            Agreement.browse(self.other.id).read(["name"])
        with self.assertRaises(AccessError):
            Agreement.browse(self.consignment.id).write({"target_fill_rate": 50.0})
        with self.assertRaises(AccessError):
            Agreement.browse(self.consignment.id).action_evaluate_now()

        self.login(self.buyer)
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/vmi.stock.report/search_read",
            {
                "model": "vmi.stock.report",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["name"]},
            },
        )
        self.assertNotIn(self.other_report.id, [report["id"] for report in found])

    def test_posting_without_csrf_token_is_refused(self):
        self.login(self.buyer)
        answer = self.url_open(
            f"/my/vmi/{self.consignment.id}/count",
            data={f"on_hand_{self.line(self.chair).id}": "9"},
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 400)
        self.assertFalse(self.consignment.stock_report_ids)

    # ------------------------------------------------------------------
    # Counts, uploads, deliveries, messages
    # ------------------------------------------------------------------

    def test_count_submitted_in_the_form_lands_in_a_stock_report(self):
        self.login(self.buyer)
        path = f"/my/vmi/{self.consignment.id}/count"
        form = self.get(f"{path}?site={self.north_site.id}").text
        self.assertIn(f'name="on_hand_{self.line(self.chair).id}"', form)
        answer = self.url_open(
            path,
            allow_redirects=False,
            data={
                "csrf_token": self.csrf_token(path),
                f"on_hand_{self.line(self.chair).id}": "12",
                f"consumed_{self.line(self.chair).id}": "2",
                f"on_hand_{self.line(self.desk).id}": "-4",
            },
        )
        self.assertEqual(answer.status_code, 303)
        report = self.consignment.stock_report_ids
        self.assertEqual(len(report), 1)
        self.assertTrue(
            answer.headers["Location"].endswith(
                f"/my/vmi/{self.consignment.id}/reports/{report.id}"
            )
        )
        self.assertEqual(
            (report.source, report.state), ("portal", "partially_rejected")
        )
        self.assertTrue(
            report.attachment_id.raw.startswith(b"{"),
            "what the customer submitted is kept",
        )
        accepted = report.line_ids.filtered(lambda line: line.state == "accepted")
        self.assertEqual(
            (accepted.product_id, accepted.location_id, accepted.quantity_on_hand),
            (self.chair, self.north_site, 12.0),
        )
        rejected = report.line_ids - accepted
        self.assertIn("negative", rejected.rejection_reason)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.chair, self.north_site
            ),
            12.0,
            "the count adjusted our consigned stock at the site",
        )

        results = self.get(answer.headers["Location"]).text
        self.assertIn("Applied", results)
        self.assertIn("Not applied", results)
        self.assertIn("negative", results)

    def test_empty_count_is_not_sent(self):
        self.login(self.buyer)
        path = f"/my/vmi/{self.consignment.id}/count"
        answer = self.url_open(
            path, data={"csrf_token": self.csrf_token(path)}, allow_redirects=False
        )
        self.assertIn("error=empty", answer.headers["Location"])
        self.assertFalse(self.consignment.stock_report_ids)

    def test_file_uploaded_in_the_portal_goes_through_intake(self):
        self.login(self.buyer)
        path = f"/my/vmi/{self.agreement.id}/count"
        answer = self.url_open(
            f"/my/vmi/{self.agreement.id}/upload",
            allow_redirects=False,
            data={"csrf_token": self.csrf_token(path)},
            files={
                "report_file": (
                    "stock.csv",
                    self.sample("stock_report.csv"),
                    "text/csv",
                )
            },
        )
        self.assertEqual(answer.status_code, 303)
        report = self.agreement.stock_report_ids
        self.assertEqual((report.source, report.payload_format), ("portal", "csv"))
        self.assertEqual(report.attachment_id.raw, self.sample("stock_report.csv"))

    def test_customer_acknowledges_a_delivery(self):
        self.add_stock(self.chair, self.stock, 8.0)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.north_site.id,
                "vmi_agreement_id": self.consignment.id,
                "vmi_location_id": self.north_site.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Chairs",
                            "product_id": self.chair.id,
                            "product_uom_qty": 8.0,
                            "location_id": self.stock.id,
                            "location_dest_id": self.north_site.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.button_validate()
        notice = picking.vmi_shipment_notice_ids
        self.login(self.buyer)
        page = self.get(f"/my/vmi/{self.consignment.id}").text
        self.assertIn(notice.name, page)
        proposed = re.search(r'o_vmi_orders">(.*?)</section>', page, re.S)
        self.assertFalse(
            proposed and picking.name in proposed.group(1),
            "a done transfer is no longer among the proposed replenishments",
        )
        path = f"/my/vmi/{self.consignment.id}/shipments/{notice.id}/acknowledge"
        answer = self.url_open(
            path,
            data={"csrf_token": self.csrf_token(f"/my/vmi/{self.consignment.id}")},
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        self.assertEqual(notice.state, "acknowledged")
        self.assertEqual(notice.acknowledged_by_id, self.buyer)
        self.assertIn(f"acknowledged={notice.id}", answer.headers["Location"])
        after = self.get(answer.headers["Location"]).text
        confirmation = re.search(r'o_vmi_acknowledged"[^>]*>(.*?)</div>', after, re.S)
        self.assertTrue(confirmation, "the page confirms the acknowledgement")
        self.assertIn(notice.name, confirmation.group(1))
        self.assertNotIn('o_vmi_acknowledge"', after, "nothing is left to acknowledge")
        received = re.search(
            r'<ul class="list-unstyled small o_vmi_received">(.*?)</ul>', after, re.S
        ).group(1)
        self.assertIn(
            notice.name, received, "the shipment stays in the history of receipts"
        )
        self.assertIn(self.buyer.name, received, "with who acknowledged it")
        self.assertNotIn(
            "o_vmi_acknowledged",
            self.get(f"/my/vmi/{self.consignment.id}").text,
            "the confirmation shows once, after the acknowledgement",
        )

    def test_customer_messages_the_vendor(self):
        self.login(self.buyer)
        self.assertIn(
            'id="discussion"', self.get(f"/my/vmi/{self.consignment.id}").text
        )
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "vmi.agreement",
                "thread_id": self.consignment.id,
                "post_data": {
                    "body": "Please deliver before Friday",
                    "message_type": "comment",
                },
            },
        )
        self.assertIn(
            "Please deliver before Friday", self.consignment.message_ids[0].body
        )
        self.assertEqual(
            self.consignment.message_ids[0].author_id, self.buyer.partner_id
        )

    # ------------------------------------------------------------------
    # Mirror role: our vendor sees the stock it manages for us
    # ------------------------------------------------------------------

    def test_vendor_sees_the_stock_it_manages_for_us(self):
        seller = self.portal_user(self.vendor, "portal_vendor")
        ours = self.create_agreement(
            partner_id=self.vendor.id, role="customer", ownership="consignment"
        )
        ours.action_create_site_locations()
        ours.line_ids = [
            Command.create(
                {
                    "product_id": self.lamp.id,
                    "location_id": ours.location_ids[:1].id,
                    "policy": "min_max",
                    "min_qty": 2.0,
                    "max_qty": 6.0,
                }
            )
        ]
        ours.action_activate()
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor.id,
                "product_tmpl_id": self.lamp.product_tmpl_id.id,
                "price": 7.0,
            }
        )
        self.env["vmi.replenishment"]._evaluate_now(ours)
        order = ours.purchase_order_ids
        self.assertEqual(
            len(order),
            1,
            "nothing on hand, min 2: a purchase order is proposed to the vendor",
        )
        self.login(seller)
        self.assertIn(ours.name, self.get("/my/vmi").text)
        page = self.get(f"/my/vmi/{ours.id}").text
        self.assertIn("Desk Lamp", page)
        self.assertIn(order.name, page, "the vendor sees the order proposed to it")
        self.assertIn(f"/my/purchase/{order.id}", page)
        self.assertEqual(self.get(f"/my/vmi/{self.consignment.id}").status_code, 404)

    # ------------------------------------------------------------------
    # History and scorecard
    # ------------------------------------------------------------------

    def test_history_chart_and_scorecard(self):
        self.login(self.buyer)
        stock = self.get(f"/my/vmi/{self.consignment.id}").text
        self.assertIn("o_vmi_scorecard", stock)
        self.assertIn("Fill rate", stock)
        line = self.line(self.chair)
        self.assertIn(f"/my/vmi/{self.consignment.id}/lines/{line.id}", stock)
        chart = self.get(f"/my/vmi/{self.consignment.id}/lines/{line.id}")
        self.assertEqual(chart.status_code, 200)
        self.assertIn('class="o_vmi_stock_chart"', chart.text)
        self.assertNotIn(
            '<script type="text/javascript" src=',
            chart.text,
            "scripts come from the bundles",
        )
        frontend = [
            path
            for path, *__ in self.env["ir.asset"]._get_asset_paths(
                "web.assets_frontend", {}
            )
        ]
        self.assertIn(
            "/vmi_management/static/src/js/vmi_stock_chart.js",
            frontend,
            "the chart is drawn by a script of the frontend bundle, which loads "
            "Chart.js",
        )
        series = json.loads(
            html.unescape(re.search(r'data-series="([^"]+)"', chart.text).group(1))
        )
        self.assertEqual(len(series["labels"]), 90)
        self.assertEqual(
            (series["on_hand"][-1], series["min"][-1], series["max"][-1]),
            (3.0, 5.0, 40.0),
            "today's level as the evaluation saw it",
        )
        other_line = self.other.line_ids[:1]
        for path in (
            f"/my/vmi/{self.consignment.id}/lines/{other_line.id}",
            f"/my/vmi/{self.other.id}/lines/{other_line.id}",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).status_code, 404)

    # ------------------------------------------------------------------
    # Deliveries on their way, count results, phones
    # ------------------------------------------------------------------

    def test_next_delivery_is_the_earliest_open_arrival_or_nothing_on_order(self):
        now = fields.Datetime.now()
        self.transfer(self.chair, 4.0, now + timedelta(days=6))
        self.transfer(self.chair, 2.0, now + timedelta(days=3))
        late = self.transfer(self.lamp, 1.0, now - timedelta(days=4))
        past = self.transfer(self.desk, 1.0, now - timedelta(days=20), validate=True)
        past.vmi_shipment_notice_ids.date_expected = now - timedelta(days=10)
        self.login(self.buyer)
        page = self.get(f"/my/vmi/{self.consignment.id}").text

        chair = self.next_delivery_cell(self.stock_row(page, self.line(self.chair)))
        in_three_days = fields.Date.to_string(
            fields.Date.context_today(self.consignment) + timedelta(days=3)
        )
        self.assertNotIn("Nothing on order", chair)
        self.assertNotIn("Overdue", chair)
        day = re.search(r"\d{2}/\d{2}/\d{4}", chair).group(0)
        self.assertEqual(
            day,
            fields.Date.from_string(in_three_days).strftime("%m/%d/%Y"),
            "the earliest of the two open transfers",
        )
        lamp = self.next_delivery_cell(self.stock_row(page, self.line(self.lamp)))
        self.assertIn(
            "Overdue",
            lamp,
            "an open transfer whose day has passed is still to come, late",
        )
        self.assertEqual(late.state, "assigned")
        desk = self.next_delivery_cell(self.stock_row(page, self.line(self.desk)))
        self.assertEqual(
            desk,
            "Nothing on order",
            "a shipment expected 10 days ago is no delivery to come",
        )
        south = self.next_delivery_cell(
            self.stock_row(
                page,
                self.line(self.chair, self.consignment.location_ids.sorted("id")[1]),
            )
        )
        self.assertEqual(
            south, "Nothing on order", "the transfers go to the north site only"
        )

    def test_incoming_shipments_are_the_open_transfers(self):
        now = fields.Datetime.now()
        open_transfer = self.transfer(self.chair, 4.0, now + timedelta(days=2))
        done = self.transfer(self.desk, 1.0, now, validate=True)
        self.assertEqual(done.state, "done")
        self.login(self.buyer)
        page = self.get(f"/my/vmi/{self.consignment.id}").text
        incoming = "".join(
            re.findall(r'o_vmi_incoming_transfer">(.*?)</ul>', page, re.S)
        )
        self.assertIn(open_transfer.name, incoming)
        self.assertNotIn(
            done.name, incoming, "a transfer already received is no longer on its way"
        )

    def test_count_result_names_products_and_shows_billed_consumption(self):
        self.login(self.buyer)
        path = f"/my/vmi/{self.consignment.id}/count"
        answer = self.url_open(
            path,
            allow_redirects=False,
            data={
                "csrf_token": self.csrf_token(path),
                f"on_hand_{self.line(self.chair).id}": "1",
                f"consumed_{self.line(self.chair).id}": "5",
            },
        )
        page = self.get(answer.headers["Location"]).text
        self.assertNotIn(
            "lines[0]",
            page,
            "rows are named by product, not by position in the document",
        )
        row = re.search(
            r'class="o_vmi_report_lines mb-3">(.*?)Back to the stock', page, re.S
        ).group(1)
        self.assertIn("Office Chair", row)
        self.assertIn("Your code: CUST-7781", row)
        self.assertIn(self.north_site.name, row)
        self.assertIn("Consumption billed", page)
        billed = re.search(r'o_vmi_consumption">\s*([\d.]+)', row).group(1)
        self.assertEqual(
            billed, "2", "3 on record, 1 counted: 2 used and billed, not the 5 reported"
        )
        self.assertIn("you reported 5 used", " ".join(row.split()))

        self.login(self.buyer)
        report, __ = self.env["vmi.stock.report"]._receive(
            self.agreement,
            b"product,location,on_hand,consumed\nCUST-7781,SITE-NORTH,7,3\n",
            source="portal",
            filename="count.csv",
        )
        owned = self.get(f"/my/vmi/{self.agreement.id}/reports/{report.id}").text
        self.assertIn(
            "Used (reported)",
            owned,
            "customer-owned stock: the use reported is demand, not billed",
        )
        self.assertNotIn("Consumption billed", owned)
        self.assertRegex(owned, r'o_vmi_consumption">\s*3\b')

    def test_count_form_shows_last_known_and_customer_code_on_any_width(self):
        self.login(self.buyer)
        form = self.get(
            f"/my/vmi/{self.consignment.id}/count?site={self.north_site.id}"
        ).text
        self.assertIn("Your code: CUST-7781", form)
        for marker in ("o_vmi_last_known", "o_vmi_customer_code"):
            with self.subTest(marker=marker):
                classes = re.search(rf'class="([^"]*{marker}[^"]*)"', form).group(1)
                self.assertNotIn("d-none", classes, "shown on a phone as on a laptop")

    def test_next_delivery_of_a_confirmed_sale_order(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "partner_shipping_id": self.customer_site_a.id,
                "vmi_agreement_id": self.agreement.id,
                "vmi_location_id": self.north.id,
                "order_line": [
                    Command.create({"product_id": self.desk.id, "product_uom_qty": 3.0})
                ],
            }
        )
        desk = self.agreement.line_ids.filtered(
            lambda line: line.product_id == self.desk and line.location_id == self.north
        )
        self.login(self.buyer)
        page = self.get(f"/my/vmi/{self.agreement.id}").text
        self.assertEqual(
            self.next_delivery_cell(self.stock_row(page, desk)),
            "Nothing on order",
            "a quotation is no delivery anyone committed to",
        )
        order.action_confirm()
        page = self.get(f"/my/vmi/{self.agreement.id}").text
        cell = self.next_delivery_cell(self.stock_row(page, desk))
        self.assertRegex(
            cell, r"^\d{2}/\d{2}/\d{4}$", "the confirmed order's delivery is on its way"
        )
        self.assertIn(order.picking_ids.name, page)
