from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestVmiSecurity(VmiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Vendor B Ltd"})
        cls.warehouse_b = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_b.id)]
        )
        cls.user_b = new_test_user(
            cls.env,
            "vmi_user_b",
            groups="vmi_management.group_vmi_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.agreement_a = cls.create_running_agreement()
        cls.agreement_b = (
            cls.env["vmi.agreement"]
            .with_company(cls.company_b)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "role": "vendor",
                    "ownership": "consignment",
                    "company_id": cls.company_b.id,
                    "warehouse_id": cls.warehouse_b.id,
                }
            )
        )
        cls.agreement_b.action_create_site_locations()

    def test_groups_control_access(self):
        Agreement = self.env["vmi.agreement"]
        with self.assertRaises(AccessError):
            Agreement.with_user(self.stock_user).search([])
        with self.assertRaises(AccessError):
            self.agreement_a.with_user(self.stock_user).read(["name"])
        with self.assertRaises(AccessError):
            self.agreement_a.line_ids.with_user(self.stock_user).read(["min_qty"])
        by_user = Agreement.with_user(self.vmi_user).create(
            {"partner_id": self.other_customer.id}
        )
        self.assertEqual(by_user.state, "draft")
        with self.assertRaises(AccessError):
            by_user.with_user(self.vmi_user).unlink()
        by_user.with_user(self.vmi_manager).unlink()

    def test_vmi_fields_hidden_from_other_users(self):
        partner = self.customer.with_user(self.stock_user)
        with self.assertRaises(AccessError):
            partner.read(["vmi_agreement_count"])
        self.assertTrue(partner.read(["name"]))

    def test_companies_are_isolated(self):
        Agreement = self.env["vmi.agreement"]
        self.assertEqual(Agreement.with_user(self.user_b).search([]), self.agreement_b)
        self.assertEqual(
            Agreement.with_user(self.vmi_user).search(
                [("partner_id", "=", self.customer.id)]
            ),
            self.agreement_a,
        )
        with self.assertRaises(AccessError):
            self.agreement_a.with_user(self.user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.agreement_a.line_ids.with_user(self.user_b).read(["max_qty"])
        self.assertFalse(
            self.env["vmi.agreement.line"].with_user(self.user_b).search([])
        )
        self.assertNotEqual(
            self.agreement_a.location_ids,
            self.agreement_b.location_ids,
            "each company gets its own site locations for the same customer",
        )
        self.assertEqual(self.agreement_b.location_ids.company_id, self.company_b)

    def test_cross_company_references_are_refused(self):
        foreign_product = self.env["product.product"].create(
            {
                "name": "B only",
                "type": "consu",
                "is_storable": True,
                "company_id": self.company_b.id,
            }
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["vmi.agreement.line"].create(
                self.line_vals(self.agreement_a, product_id=foreign_product.id)
            )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.agreement_a.location_ids = [
                Command.link(self.agreement_b.location_ids[0].id)
            ]
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.agreement_a.warehouse_id = self.warehouse_b

    def test_same_reference_allowed_across_companies(self):
        self.assertTrue(self.agreement_a.name)
        self.assertTrue(self.agreement_b.name)
        self.assertNotEqual(
            (self.agreement_a.name, self.agreement_a.company_id),
            (self.agreement_b.name, self.agreement_b.company_id),
        )
