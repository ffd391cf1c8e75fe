import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from ..tools import format_quantity
from .intake_common import VmiIntakeCommon

REPORT = "vmi_management.action_report_vmi_review"


@tagged("post_install", "-at_install")
class TestPerformanceReview(VmiIntakeCommon, HttpCase):
    """The periodic review: the scorecard, exceptions and threshold changes, the same
    numbers everywhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.write({"target_fill_rate": 99.0, "target_inventory_turns": 12.0})
        report = cls.env["vmi.stock.report"].create(
            {
                "agreement_id": cls.agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "location_id": cls.north.id,
                            "quantity_on_hand": on_hand,
                            "quantity_consumed": 45.0,
                            "date_period_start": fields.Date.today()
                            - timedelta(days=30),
                            "date_period_end": fields.Date.today() - timedelta(days=1),
                        }
                    )
                    for product, on_hand in ((cls.chair, 0.0), (cls.desk, 20.0))
                ],
            }
        )
        report.action_process()
        cls.env["vmi.replenishment"]._evaluate_now(cls.agreement)
        cls.buyer = cls.portal_user(cls.customer, "review_buyer")
        cls.other_buyer = cls.portal_user(cls.other_customer, "review_other")

    def render_html(self):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html(REPORT, self.agreement.ids)[0]
            .decode()
        )

    def test_review_shows_the_scorecard_exceptions_and_stock(self):
        html = self.render_html()
        self.assertIn(f"Performance review <span>{self.agreement.name}</span>", html)
        self.assertTrue(self.agreement.kpi_date)
        self.assertIn(format_quantity(self.agreement.kpi_fill_rate, 1), html)
        self.assertIn(
            "Out of stock", html, "the chair's stockout is among the exceptions"
        )
        self.assertIn("<polyline", html, "daily stock at the sites")

    def test_review_renders_as_pdf(self):
        Report = self.env["ir.actions.report"]
        if Report.get_wkhtmltopdf_state() != "ok":
            self.skipTest(
                "wkhtmltopdf is not installed: the HTML rendering is tested above"
            )
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, self.agreement.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_back_office_portal_and_review_agree(self):
        rows = self.agreement._scorecard_rows()
        self.authenticate("review_buyer", "review_buyer-secret")
        portal = self.url_open(f"/my/vmi/{self.agreement.id}").text
        review = self.url_open(
            f"/my/vmi/{self.agreement.id}/review?report_type=html"
        ).text
        for row in rows:
            shown = row["text"]
            with self.subTest(kpi=row["label"]):
                self.assertIn(row["label"], portal)
                self.assertIn(row["label"], review)
                self.assertRegex(portal, rf">\s*{re.escape(shown)}\s*<small")
                self.assertRegex(
                    review, rf'<td class="text-end">{re.escape(shown)}[\s<]'
                )
        self.assertEqual(
            rows[0]["actual"],
            self.agreement.kpi_fill_rate,
            "the back office field itself",
        )
        self.assertEqual(
            rows[0]["text"], format_quantity(self.agreement.kpi_fill_rate, 1)
        )

    def test_review_is_the_customers_own(self):
        self.authenticate("review_other", "review_other-secret")
        answer = self.url_open(
            f"/my/vmi/{self.agreement.id}/review?report_type=html",
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 404)

    def test_send_review_to_the_partner(self):
        action = self.agreement.action_send_review()
        template = self.env.ref("vmi_management.mail_template_vmi_review")
        self.assertEqual(action["context"]["default_template_id"], template.id)
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        composer.action_send_mail()
        message = self.agreement.message_ids[0]
        self.assertIn(self.agreement.partner_id, message.partner_ids)
        self.assertTrue(message.attachment_ids, "the review travels as an attachment")
