from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class VmiCommon(BaseCommon):
    """Fixtures shared by the VMI tests: our company as vendor, two customers,
    storable products, and users for each VMI group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.vmi_user = new_test_user(cls.env, "vmi_user", groups="vmi_management.group_vmi_user")
        cls.vmi_manager = new_test_user(cls.env, "vmi_manager", groups="vmi_management.group_vmi_manager")
        cls.stock_user = new_test_user(cls.env, "stock_only_user", groups="stock.group_stock_user")
        cls.customer = cls.env["res.partner"].create({"name": "Acme Clinics", "is_company": True})
        cls.customer_site_a, cls.customer_site_b = cls.env["res.partner"].create([
            {"name": "Site A", "type": "delivery", "parent_id": cls.customer.id},
            {"name": "Site B", "type": "delivery", "parent_id": cls.customer.id},
        ])
        cls.other_customer = cls.env["res.partner"].create({"name": "Zenith Stores", "is_company": True})
        cls.vendor = cls.env["res.partner"].create({"name": "Omega Supplies", "is_company": True})
        cls.gloves, cls.masks, cls.wipes = cls.env["product.product"].create([
            {"name": name, "type": "consu", "is_storable": True, "list_price": price}
            for name, price in (("Gloves", 10.0), ("Masks", 5.0), ("Wipes", 3.0))
        ])

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """Like unittest's, but in a savepoint as Odoo's ``assertRaises`` is, so the
        records a failed constraint leaves behind are rolled back."""
        with self.assertRaises(expected_exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), expected_regex)

    @classmethod
    def create_agreement(cls, **vals):
        return cls.env["vmi.agreement"].create({
            "partner_id": cls.customer.id,
            "role": "vendor",
            "ownership": "consignment",
            **vals,
        })

    @classmethod
    def create_running_agreement(cls, **vals):
        """An agreement with its sites and one min/max line, ready to activate."""
        agreement = cls.create_agreement(**vals)
        agreement.action_create_site_locations()
        agreement.line_ids = [Command.create(cls.line_vals(agreement))]
        return agreement

    @classmethod
    def evaluate(cls, agreements):
        """Run "Evaluate now" as the scheduler would, and return the run."""
        return cls.env["vmi.replenishment"]._evaluate_now(agreements)

    @staticmethod
    def events(run, kind):
        return run.event_ids.filtered(lambda event: event.kind == kind)

    @classmethod
    def add_stock(cls, product, location, quantity, owner=None):
        cls.env["stock.quant"]._update_available_quantity(product, location, quantity, owner_id=owner)

    @classmethod
    def line_vals(cls, agreement, **vals):
        return {
            "agreement_id": agreement.id,
            "product_id": cls.gloves.id,
            "location_id": agreement.location_ids[:1].id,
            "policy": "min_max",
            "min_qty": 10.0,
            "max_qty": 50.0,
            **vals,
        }
