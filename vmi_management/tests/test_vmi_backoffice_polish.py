import csv
import io
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestKpiAndStockHistoryViews(VmiIntakeCommon):
    """The KPI charts draw what they say, and averages leave out agreements without
    demand."""

    def snapshot(self, agreement, day, fill_rate, target=95.0, period="day"):
        return self.env["vmi.kpi.snapshot"].create(
            {
                "agreement_id": agreement.id,
                "period": period,
                "date": day,
                "fill_rate": fill_rate,
                "target_fill_rate": target if fill_rate is not None else None,
            }
        )

    def test_fill_rate_against_target_draws_both_series(self):
        today = fields.Date.today()
        self.snapshot(self.agreement, today - timedelta(days=1), 80.0)
        self.snapshot(self.agreement, today, 90.0)
        other, __ = self.intake_consignment()
        self.snapshot(other, today, None)  # no demand: neither drawn nor averaged
        self.env.flush_all()
        Series = self.env["vmi.kpi.fill.rate"]
        groups = dict(
            Series._read_group(
                [("agreement_id", "in", (self.agreement | other).ids)],
                ["series"],
                ["value:avg"],
            )
        )
        self.assertEqual(groups, {"actual": 85.0, "target": 95.0})
        self.assertFalse(Series.search([("agreement_id", "=", other.id)]))
        arch = Series.get_views([(False, "graph")])["views"]["graph"]["arch"]
        self.assertIn(
            'name="series"', arch, "one line per series: fill rate and target"
        )
        self.assertEqual(arch.count('type="measure"'), 1)

    def test_snapshots_without_demand_stay_out_of_averages(self):
        """An evaluation of an agreement that had no demand: its fill rate and the
        target beside it are empty, and the scorecard opens on the snapshots with
        demand."""
        today = fields.Date.context_today(self.agreement)
        self.report_a_month_without_demand(self.agreement)
        self.evaluate(self.agreement)
        snapshots = self.env["vmi.kpi.snapshot"].search(
            [("agreement_id", "=", self.agreement.id)]
        )
        self.assertTrue(snapshots)
        for snapshot in snapshots:
            self.assertIsNone(snapshot.fill_rate)
            self.assertIsNone(
                snapshot.target_fill_rate,
                "no target averaged where there is no fill rate",
            )
            self.assertFalse(snapshot.has_demand)
        other, __ = self.intake_consignment()
        self.snapshot(other, today - timedelta(days=3), 70.0, target=90.0)
        Snapshot = self.env["vmi.kpi.snapshot"]
        [(fill_rate, target)] = Snapshot._read_group(
            [("agreement_id", "in", (self.agreement | other).ids)],
            [],
            ["fill_rate:avg", "target_fill_rate:avg"],
        )
        self.assertEqual((fill_rate, target), (70.0, 90.0))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.vmi_kpi_snapshot_action"
        )
        self.assertIn("search_default_with_demand", action["context"])
        self.assertEqual(
            Snapshot.search(
                [("id", "in", snapshots.ids), ("has_demand", "=", True)]
            ).ids,
            [],
        )

    def test_stock_history_charts_each_product_and_averages_levels(self):
        line_chair = self.agreement.line_ids.filtered(
            lambda line: line.product_id == self.chair
            and line.location_id == self.north
        )
        line_desk = self.agreement.line_ids.filtered(
            lambda line: line.product_id == self.desk and line.location_id == self.north
        )
        today = fields.Date.today()
        self.env["vmi.stock.level"].create(
            [
                {
                    "line_id": line.id,
                    "agreement_id": self.agreement.id,
                    "product_id": line.product_id.id,
                    "location_id": self.north.id,
                    "date": today - timedelta(days=offset),
                    "on_hand": quantity,
                }
                for line, offset, quantity in (
                    (line_chair, 1, 10.0),
                    (line_chair, 2, 20.0),
                    (line_desk, 1, 300.0),
                )
            ]
        )
        Level = self.env["vmi.stock.level"]
        arch = Level.get_views([(False, "graph")])["views"]["graph"]["arch"]
        self.assertIn(
            'name="product_id"', arch, "a line per product, not one sum of all units"
        )
        groups = Level.read_group(
            [("agreement_id", "=", self.agreement.id)], ["on_hand"], ["product_id"]
        )
        by_product = {group["product_id"][0]: group["on_hand"] for group in groups}
        self.assertEqual(
            by_product,
            {self.chair.id: 15.0, self.desk.id: 300.0},
            "a level averages over days",
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.vmi_stock_level_action"
        )
        self.assertIn("search_default_last_90_days", action["context"])


@tagged("post_install", "-at_install")
class TestUploadDialog(VmiIntakeCommon, HttpCase):
    """The back-office upload: templates before any file, pre-filled with the agreement;
    sites by name."""

    def test_templates_work_before_a_file_is_attached(self):
        form = Form(
            self.env["vmi.stock.report.upload"]
            .with_user(self.vmi_user)
            .with_context(default_agreement_id=self.agreement.id)
        )
        wizard = form.save()
        self.assertFalse(wizard.file)
        action = wizard.with_context(template_format="csv").action_download_template()
        self.assertEqual(
            action["url"],
            f"/vmi/stock-reports/template.csv?agreement_id={self.agreement.id}",
        )
        with self.assertRaisesRegex(UserError, "Attach the stock report file"):
            wizard.action_upload()

    def test_template_is_prefilled_with_the_agreement_lines(self):
        self.authenticate("vmi_user", "vmi_user")
        answer = self.url_open(
            f"/vmi/stock-reports/template.csv?agreement_id={self.agreement.id}"
        )
        self.assertEqual(answer.status_code, 200)
        rows = list(csv.reader(io.StringIO(answer.text)))
        self.assertEqual(rows[0][:3], ["product", "location", "on_hand"])
        body = {(row[0], row[1]) for row in rows[1:]}
        self.assertEqual(
            len(rows) - 1, len(self.agreement.line_ids), "one row per agreement line"
        )
        self.assertIn(
            ("CUST-7781", self.north.name),
            body,
            "the customer's own code where it has one",
        )
        self.assertIn(("FURN-0003", self.south.name), body, "else our reference")
        self.assertTrue(
            all(not value for row in rows[1:] for value in row[2:]),
            "quantities left to fill in",
        )
        # filled in and uploaded as it is, it is accepted
        filled = io.StringIO()
        csv.writer(filled).writerows(
            [rows[0]] + [[row[0], row[1], "7", *row[3:]] for row in rows[1:]]
        )
        report, __ = self.receive(filled.getvalue().encode())
        self.assertEqual(report.state, "processed", self.reasons(report))
        from openpyxl import load_workbook

        answer = self.url_open(
            f"/vmi/stock-reports/template.xlsx?agreement_id={self.agreement.id}"
        )
        sheet = load_workbook(io.BytesIO(answer.content)).active
        self.assertEqual(sheet.max_row - 1, len(self.agreement.line_ids))
        # without an agreement, the generic example
        self.assertIn(
            "FURN-0001,SITE-NORTH",
            self.url_open("/vmi/stock-reports/template.csv").text,
        )

    def test_template_of_an_agreement_out_of_reach_is_not_found(self):
        stranger = self.portal_user(self.other_customer, "template_stranger")
        self.authenticate(stranger.login, f"{stranger.login}-secret")
        answer = self.url_open(
            f"/vmi/stock-reports/template.csv?agreement_id={self.agreement.id}"
        )
        self.assertEqual(answer.status_code, 404)

    def test_site_names_match_whatever_the_case_and_spacing(self):
        """A site is known by its barcode, its name, its full name or its delivery
        address's name."""
        site_partner = self.north.vmi_partner_id
        self.assertTrue(site_partner)
        self.north.name = "Main Clinic"
        for code in (
            "  main   CLINIC ",
            site_partner.name.upper(),
            f" {self.north.complete_name.lower()}",
        ):
            with self.subTest(code=code):
                report, __ = self.receive(self.csv(f'FURN-0001,"{code}",3,'))
                self.assertEqual(
                    report.line_ids.location_id, self.north, self.reasons(report)
                )
                self.assertEqual(report.line_ids.state, "accepted")
        report, __ = self.receive(self.csv("FURN-0001,Main Clinic Annex,3,"))
        self.assertRegex(
            report.line_ids.rejection_reason, "Unknown location Main Clinic Annex"
        )


@tagged("post_install", "-at_install")
class TestAgreementFormPolish(VmiIntakeCommon):
    """Labels, read-only fields, messages and help that say what they mean."""

    def test_review_intervals_have_distinct_labels(self):
        fields_ = self.env["vmi.agreement"]._fields
        months = fields_["review_interval_months"].string
        days = fields_["review_interval_days"].string
        self.assertNotEqual(months.replace("(Months)", ""), days.replace("(Days)", ""))
        self.assertIn("Performance Review", months)
        self.assertIn("Stock Review", days)

    def test_safety_stock_is_read_only_where_the_policy_ignores_it(self):
        agreement = self.create_agreement(partner_id=self.other_customer.id)
        agreement.action_create_site_locations()
        line = self.env["vmi.agreement.line"].create(
            {
                "agreement_id": agreement.id,
                "product_id": self.chair.id,
                "location_id": agreement.location_ids.id,
                "policy": "min_max",
                "min_qty": 1.0,
                "max_qty": 5.0,
            }
        )
        form = Form(line)
        with self.assertRaises(AssertionError):
            form.safety_stock_mode = "fixed"
        form.policy = "days_of_supply"
        form.target_days = 7.0
        form.safety_stock_mode = "fixed"
        form.safety_stock_value = 4.0
        form.save()
        self.assertEqual(
            (line.safety_stock_mode, line.safety_stock_value), ("fixed", 4.0)
        )
        list_arch = self.env["vmi.agreement"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertRegex(
            list_arch,
            r'name="safety_stock_value"[^>]*invisible="policy != \'days_of_supply\'',
        )

    def test_simulating_without_data_says_what_is_missing(self):
        agreement = self.create_agreement(partner_id=self.other_customer.id)
        agreement.action_create_site_locations()
        wizard = self.env["vmi.pilot.simulation"].create(
            {"agreement_id": agreement.id, "scope": "all"}
        )
        with self.assertRaisesRegex(UserError, "no lines to simulate"):
            wizard.action_simulate()
        agreement.line_ids = [
            Command.create(
                {
                    "product_id": self.chair.id,
                    "location_id": agreement.location_ids.id,
                    "policy": "min_max",
                    "min_qty": 1.0,
                    "max_qty": 5.0,
                }
            )
        ]
        with self.assertRaisesRegex(
            UserError, "has any consumption in the last 60 days"
        ):
            wizard.action_simulate()

    def test_managed_stock_shows_the_owner_and_helps(self):
        agreement, site = self.intake_consignment()
        action = agreement.with_user(self.vmi_user).action_view_site_stock()
        self.assertIn("o_view_nocontent_smiling_face", action["help"])
        self.assertIn(agreement.stock_owner_id.display_name, action["help"])
        [(view_id, __)] = action["views"]
        arch = (
            self.env["stock.quant"]
            .with_user(self.vmi_user)
            .get_views([(view_id, "list")])["views"]["list"]["arch"]
        )
        self.assertFalse(self.vmi_user.has_group("stock.group_tracking_owner"))
        self.assertIn(
            'name="owner_id"',
            arch,
            "whose stock it is, even without the consignment setting",
        )

    def test_stale_banner_without_any_data_says_so(self):
        arch = self.env["vmi.agreement"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn("no stock\n                        report received yet", arch)
        self.assertRegex(
            arch, r'<span invisible="not last_stock_report_date">Stale data'
        )
