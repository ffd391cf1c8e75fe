import base64
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestStockReportIntake(VmiIntakeCommon):
    """One pipeline for every channel: kept, validated line by line, applied once."""

    def test_valid_csv_is_applied_and_kept(self):
        payload = self.csv(
            "FURN-0001,SITE-NORTH,12,5",
            "00012345600029,SITE-SOUTH,7,",
            "CUST-7781,SITE-SOUTH,3,1",
        )
        report, repeated = self.receive(payload)
        self.assertFalse(repeated)
        self.assertEqual(report.state, "processed")
        self.assertEqual(report.payload_format, "csv")
        self.assertEqual(
            report.attachment_id.raw, payload, "the raw payload is kept as received"
        )
        lines = report.line_ids
        self.assertEqual(
            lines.mapped("product_id"), self.chair | self.desk | self.chair
        )
        self.assertEqual(
            lines.mapped("location_id"), self.north | self.south | self.south
        )
        self.assertEqual(lines[0].quantity_on_hand, 12.0)
        self.assertEqual(lines[0].quantity_consumed, 5.0)
        self.assertEqual(self.agreement.last_stock_report_date, report.date_as_of)

    def test_customer_code_resolves_through_the_agreement_line(self):
        report, __ = self.receive(self.csv("CUST-7782,SITE-NORTH,4,"))
        self.assertEqual(report.line_ids.product_id, self.desk)

    def test_mixed_report_keeps_every_line_with_its_reason(self):
        payload = self.csv(
            "FURN-0001,SITE-NORTH,12,5",
            "FURN-0002,SITE-NORTH,-4,",
            "FURN-0003,SITE-NORTH,lots,",
            "NOPE-404,SITE-NORTH,3,",
            "FURN-0002,MOON-BASE,3,",
        )
        report, __ = self.receive(payload)
        self.assertEqual(report.state, "partially_rejected")
        self.assertEqual(len(report.line_ids), 5, "nothing is lost")
        self.assertEqual(report.rejected_line_count, 4)
        reasons = self.reasons(report)
        self.assertRegex(reasons["Row 3"], "negative")
        self.assertRegex(reasons["Row 4"], "not a number")
        self.assertRegex(reasons["Row 5"], "Unknown product code NOPE-404")
        self.assertRegex(
            reasons["Row 6"],
            "Unknown location MOON-BASE.*SITE|Unknown location MOON-BASE",
        )
        action = report.action_download_payload()
        self.assertEqual(
            action["url"], f"/web/content/{report.attachment_id.id}?download=true"
        )

    def test_same_payload_twice_is_applied_once(self):
        payload = self.csv("FURN-0001,SITE-NORTH,12,5")
        report, __ = self.receive(payload)
        again, repeated = self.receive(payload, source="api")
        self.assertTrue(repeated)
        self.assertEqual(again, report)
        self.assertEqual(
            self.env["vmi.stock.report"].search_count(
                [("agreement_id", "=", self.agreement.id)]
            ),
            1,
        )
        self.assertIn("received again", report.message_ids[0].body)

    def test_duplicate_lines_are_rejected_together(self):
        report, __ = self.receive(
            self.csv(
                "FURN-0001,SITE-NORTH,12,",
                "FURN-0002,SITE-NORTH,3,",
                "00012345600012,SITE-NORTH,14,",
            )
        )
        reasons = self.reasons(report)
        self.assertEqual(set(reasons), {"Row 2", "Row 4"})
        self.assertRegex(reasons["Row 2"], r"more than once .*Row 2, Row 4")

    def test_future_report_is_rejected(self):
        report, __ = self.receive(
            self.csv("FURN-0001,SITE-NORTH,12,"),
            as_of=fields.Datetime.now() + timedelta(days=2),
        )
        self.assertEqual(report.state, "rejected")
        self.assertRegex(report.line_ids.rejection_reason, "in the future")

    def test_terminated_agreement_report_is_kept_not_applied(self):
        self.agreement.with_user(self.vmi_manager).action_terminate()
        report, __ = self.receive(self.csv("FURN-0001,SITE-NORTH,12,"))
        self.assertEqual(report.state, "rejected")
        self.assertRegex(report.line_ids.rejection_reason, "terminated")
        self.assertTrue(report.attachment_id)

    def test_older_report_than_one_applied_is_kept_not_applied(self):
        now = fields.Datetime.now()
        newer, __ = self.receive(
            self.csv("FURN-0001,SITE-NORTH,12,"), as_of=now - timedelta(hours=1)
        )
        older, __ = self.receive(
            self.csv("FURN-0001,SITE-NORTH,30,", "FURN-0002,SITE-NORTH,4,"),
            as_of=now - timedelta(days=1),
        )
        self.assertEqual(older.state, "partially_rejected")
        self.assertRegex(
            self.reasons(older)["Row 2"], f"newer count \\({newer.name}\\)"
        )
        stock = self.env["vmi.replenishment.data"]._read_reported_stock(
            self.agreement.line_ids
        )
        chair_north = self.agreement.line_ids.filtered(
            lambda line: line.product_id == self.chair
            and line.location_id == self.north
        )
        self.assertEqual(
            stock[chair_north][0], 12.0, "the scheduler still reads the newer count"
        )

    def test_location_is_required_when_the_agreement_has_several_sites(self):
        report, __ = self.receive(self.csv("FURN-0001,,12,"))
        self.assertRegex(
            self.reasons(report)["Row 2"], "No location given.*several sites"
        )

    def test_product_not_managed_at_the_site(self):
        self.agreement.line_ids.filtered(
            lambda line: line.product_id == self.lamp and line.location_id == self.south
        ).unlink()
        report, __ = self.receive(self.csv("FURN-0003,SITE-SOUTH,2,"))
        self.assertRegex(self.reasons(report)["Row 2"], "not managed at")

    def test_sales_only_line_leaves_the_reported_stock_alone(self):
        self.receive(
            self.csv("FURN-0001,SITE-NORTH,12,"),
            as_of=fields.Datetime.now() - timedelta(hours=3),
        )
        self.receive(self.csv("FURN-0001,SITE-NORTH,,4"))
        stock = self.env["vmi.replenishment.data"]._read_reported_stock(
            self.agreement.line_ids
        )
        self.assertEqual([quantity for quantity, __ in stock.values()], [12.0])

    def test_stale_data_is_flagged_on_the_agreement(self):
        Agreement = self.env["vmi.agreement"]
        self.assertTrue(self.agreement.is_data_stale, "running, and never any data")
        self.assertIn(self.agreement, Agreement.search([("is_data_stale", "=", True)]))
        report, __ = self.receive(self.csv("FURN-0001,SITE-NORTH,12,"))
        self.assertFalse(self.agreement.is_data_stale)
        self.assertNotIn(
            self.agreement, Agreement.search([("is_data_stale", "=", True)])
        )
        self.assertIn(self.agreement, Agreement.search([("is_data_stale", "=", False)]))
        report.date_as_of = fields.Datetime.now() - timedelta(days=8)
        self.assertTrue(
            self.agreement.is_data_stale, "older than the 7-day maximum data age"
        )
        self.assertIn(self.agreement, Agreement.search([("is_data_stale", "=", True)]))

    def test_typed_in_report_goes_through_the_same_checks(self):
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": self.agreement.id,
                "date_as_of": fields.Datetime.now(),
                "line_ids": [
                    fields.Command.create(
                        {
                            "product_id": self.chair.id,
                            "location_id": self.north.id,
                            "quantity_on_hand": 9.0,
                        }
                    ),
                    fields.Command.create(
                        {
                            "product_id": self.chair.id,
                            "location_id": self.north.id,
                            "quantity_on_hand": 10.0,
                        }
                    ),
                ],
            }
        )
        report.action_process()
        self.assertEqual(report.state, "rejected")
        self.assertRegex(report.line_ids[0].rejection_reason, "more than once")


@tagged("post_install", "-at_install")
class TestConsignmentCount(VmiIntakeCommon):
    """Where the stock is ours at the customer's site, a count adjusts it; the shortfall
    is consumption."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consignment, cls.site = cls.intake_consignment()
        cls.bin = cls.env["stock.location"].create(
            {"name": "Bin 1", "location_id": cls.site.id, "usage": "internal"}
        )

    def test_count_adjusts_consigned_quants_and_records_consumption(self):
        self.add_stock(self.chair, self.site, 10.0)
        self.add_stock(self.chair, self.bin, 6.0)
        self.add_stock(
            self.chair, self.site, 50.0, owner=self.vendor
        )  # not the agreement's stock
        report, __ = self.receive(
            self.csv("FURN-0001,CONS-NORTH,4,", "FURN-0002,CONS-NORTH,3,"),
            agreement=self.consignment,
        )
        self.assertEqual(report.state, "processed")
        chair_line, desk_line = report.line_ids
        self.assertEqual(
            chair_line.quantity_difference, -12.0, "16 in our books, 4 counted"
        )
        self.assertEqual(desk_line.quantity_difference, 3.0)
        stock = self.consignment._read_site_stock()
        self.assertEqual(stock[self.consignment.id, self.chair.id, self.site.id], 4.0)
        self.assertEqual(stock[self.consignment.id, self.desk.id, self.site.id], 3.0)
        vendor_stock = self.env["stock.quant"]._get_available_quantity(
            self.chair, self.site, owner_id=self.vendor, strict=True
        )
        self.assertEqual(vendor_stock, 50.0, "stock of another owner is untouched")
        moves = report.adjustment_move_ids
        self.assertEqual(set(moves.mapped("state")), {"done"})
        consumed = moves.filtered(
            lambda move: move.location_dest_id == self.customer.property_stock_customer
        )
        self.assertEqual(
            sum(consumed.mapped("quantity")),
            12.0,
            "consumed consigned stock goes to the customer",
        )
        found = moves - consumed
        self.assertEqual(
            found.location_id.usage, "inventory", "a surplus is found stock"
        )
        self.assertTrue(all(move.is_inventory for move in moves))

    def test_count_received_twice_adjusts_once(self):
        self.add_stock(self.chair, self.site, 10.0)
        payload = self.csv("FURN-0001,CONS-NORTH,4,")
        report, __ = self.receive(payload, agreement=self.consignment)
        self.receive(payload, agreement=self.consignment, source="api")
        self.assertEqual(len(report.adjustment_move_ids), 1)
        self.assertEqual(
            self.consignment._read_site_stock()[
                self.consignment.id, self.chair.id, self.site.id
            ],
            4.0,
        )

    def test_lot_tracked_product_must_be_counted_per_lot(self):
        self.lamp.tracking = "lot"
        report, __ = self.receive(
            self.csv("FURN-0003,CONS-NORTH,4,"), agreement=self.consignment
        )
        self.assertRegex(report.line_ids.rejection_reason, "lots or serial numbers")


@tagged("post_install", "-at_install")
class TestStockReportUpload(VmiIntakeCommon):
    """The back-office upload wizard and its templates."""

    def upload(self, payload, filename):
        wizard = (
            self.env["vmi.stock.report.upload"]
            .with_user(self.vmi_user)
            .create(
                {
                    "agreement_id": self.agreement.id,
                    "file": base64.b64encode(payload),
                    "filename": filename,
                    "date_as_of": fields.Datetime.now() - timedelta(hours=2),
                }
            )
        )
        action = wizard.action_upload()
        return self.env["vmi.stock.report"].browse(action["res_id"])

    def test_upload_csv(self):
        report = self.upload(self.csv("FURN-0001,SITE-NORTH,12,5"), "count.csv")
        self.assertEqual((report.source, report.state), ("file", "processed"))
        self.assertEqual(report.attachment_id.name, "count.csv")

    def test_upload_xlsx_template_filled_in(self):
        from io import BytesIO

        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["product", "location", "on_hand", "consumed"])
        sheet.append(["FURN-0002", "SITE-SOUTH", 8, 2])
        buffer = BytesIO()
        workbook.save(buffer)
        report = self.upload(buffer.getvalue(), "count.xlsx")
        self.assertEqual((report.payload_format, report.state), ("xlsx", "processed"))
        self.assertEqual(report.line_ids.product_id, self.desk)
        self.assertEqual(report.line_ids.quantity_on_hand, 8.0)

    def test_sample_csv_from_the_samples(self):
        report = self.upload(self.sample("stock_report.csv"), "stock_report.csv")
        self.assertEqual(report.state, "partially_rejected")
        self.assertTrue(report.line_ids.filtered(lambda line: line.state == "accepted"))
        self.assertTrue(
            all(
                line.rejection_reason
                for line in report.line_ids
                if line.state == "rejected"
            )
        )

    def test_upload_x12_852_is_an_edi_report(self):
        report = self.upload(self.sample("stock_852.x12"), "stock_852.x12")
        self.assertEqual((report.source, report.payload_format), ("edi", "x12_852"))
        self.assertEqual(report.state, "processed", self.reasons(report))
        self.assertTrue(report.reference)

    def test_malformed_x12_is_rejected_with_the_segment_named(self):
        report = self.upload(self.sample("stock_852_bad_counts.x12"), "bad.x12")
        self.assertEqual(report.state, "rejected")
        self.assertRegex(report.problems, "[Ss]egment")
        self.assertTrue(report.line_ids, "the lines read are kept")
        self.assertTrue(all(line.state == "rejected" for line in report.line_ids))

    def test_edifact_inventory_and_sales_reports(self):
        stock = self.upload(self.sample("stock_invrpt.edi"), "stock_invrpt.edi")
        self.assertEqual(
            (stock.payload_format, stock.state),
            ("edifact_invrpt", "processed"),
            self.reasons(stock),
        )
        sales = self.upload(self.sample("sales_slsrpt.edi"), "sales_slsrpt.edi")
        self.assertEqual(
            (sales.payload_format, sales.state),
            ("edifact_slsrpt", "processed"),
            self.reasons(sales),
        )
        self.assertFalse(
            any(sales.line_ids.mapped("on_hand_reported")),
            "a sales report carries no count",
        )
        self.assertTrue(sum(sales.line_ids.mapped("quantity_consumed")) > 0)

    def test_templates_are_downloadable(self):
        wizard = self.env["vmi.stock.report.upload"].new(
            {"agreement_id": self.agreement.id}
        )
        action = wizard.with_context(template_format="xlsx").action_download_template()
        self.assertEqual(
            action["url"],
            f"/vmi/stock-reports/template.xlsx?agreement_id={self.agreement.id}",
        )
