from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo shows a working program: agreements in several states, consigned stock at sites."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("vmi_management.agreement_northwind_demo", raise_if_not_found=False):
            self.skipTest("demo data not loaded")

    def test_demo_agreements_cover_the_lifecycle_and_roles(self):
        agreements = self.env["vmi.agreement"].search([("partner_id.name", "in", (
            "Northwind Clinics", "Bluebird Hardware", "Cedar Foods", "Delta Packaging"))])
        self.assertEqual(set(agreements.mapped("state")), {"draft", "pilot", "active", "suspended"})
        self.assertEqual(set(agreements.mapped("role")), {"vendor", "customer"})
        self.assertEqual(set(agreements.mapped("ownership")), {"consignment", "customer_owned"})
        self.assertGreaterEqual(len(agreements.line_ids.product_id), 12)
        self.assertTrue(agreements.filtered(lambda agreement: agreement.state == "pilot").line_ids.filtered(
            "in_pilot_scope"))

    def test_demo_consigned_stock_is_read_by_owner(self):
        northwind = self.env.ref("vmi_management.agreement_northwind_demo")
        delta = self.env.ref("vmi_management.agreement_delta_demo")
        stock = (northwind | delta)._read_site_stock()
        main = self.env.ref("vmi_management.location_northwind_main_demo")
        gloves = self.env.ref("vmi_management.product_nitrile_gloves_demo")
        film = self.env.ref("vmi_management.product_stretch_film_demo")
        self.assertEqual(stock[(northwind.id, gloves.id, main.id)], 55.0)
        self.assertEqual(stock[(delta.id, film.id, delta.location_ids.id)], 18.0)

    def test_demo_stock_report_was_validated(self):
        report = self.env.ref("vmi_management.stock_report_bluebird_demo")
        self.assertEqual(report.state, "partially_rejected")
        self.assertEqual(report.rejected_line_count, 1)
        self.assertFalse(report.agreement_id.is_data_stale)
