from contextlib import contextmanager

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class VmiCommon(BaseCommon):
    """Fixtures shared by the VMI tests: our company as vendor, two customers,
    storable products, and users for each VMI group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.vmi_user = new_test_user(
            cls.env, "vmi_user", groups="vmi_management.group_vmi_user"
        )
        cls.vmi_manager = new_test_user(
            cls.env, "vmi_manager", groups="vmi_management.group_vmi_manager"
        )
        cls.stock_user = new_test_user(
            cls.env, "stock_only_user", groups="stock.group_stock_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Acme Clinics", "is_company": True}
        )
        cls.customer_site_a, cls.customer_site_b = cls.env["res.partner"].create(
            [
                {"name": "Site A", "type": "delivery", "parent_id": cls.customer.id},
                {"name": "Site B", "type": "delivery", "parent_id": cls.customer.id},
            ]
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Zenith Stores", "is_company": True}
        )
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Omega Supplies", "is_company": True}
        )
        cls.gloves, cls.masks, cls.wipes = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "type": "consu",
                    "is_storable": True,
                    "list_price": price,
                }
                for name, price in (("Gloves", 10.0), ("Masks", 5.0), ("Wipes", 3.0))
            ]
        )
        # the warehouse that ships the replenishments has plenty: a test about a short
        # one makes its own
        for product in (cls.gloves, cls.masks, cls.wipes):
            cls.add_stock(product, cls.warehouse.lot_stock_id, 100000.0)

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """Like unittest's, but in a savepoint as Odoo's ``assertRaises`` is, so the
        records a failed constraint leaves behind are rolled back."""
        with self.assertRaises(expected_exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), expected_regex)

    @classmethod
    def create_agreement(cls, **vals):
        return cls.env["vmi.agreement"].create(
            {
                "partner_id": cls.customer.id,
                "role": "vendor",
                "ownership": "consignment",
                **vals,
            }
        )

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
        cls.env["stock.quant"]._update_available_quantity(
            product, location, quantity, owner_id=owner
        )

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


class CommittedAgreementMixin:
    """A running agreement with one min/max line, committed through its own cursor for
    tests that work on two real database connections (the test transaction is invisible
    to other connections), and removed again afterwards with all that the test left on
    it."""

    def commit_agreement(self, name, ownership, product_vals, barcode=None):
        """Commit the fixture; ``self.ids`` then holds its partner, product, agreement
        and site ids."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": name, "is_company": True})
            product = env["product.product"].create(
                {"type": "consu", "is_storable": True, **product_vals}
            )
            agreement = env["vmi.agreement"].create(
                {
                    "partner_id": partner.id,
                    "role": "vendor",
                    "ownership": ownership,
                }
            )
            agreement.action_create_site_locations()
            if barcode:
                agreement.location_ids.barcode = barcode
            agreement.line_ids = [
                Command.create(
                    {
                        "product_id": product.id,
                        "location_id": agreement.location_ids.id,
                        "policy": "min_max",
                        "min_qty": 10.0,
                        "max_qty": 50.0,
                    }
                )
            ]
            agreement.action_activate()
            env["stock.quant"]._update_available_quantity(
                product, agreement.warehouse_id.lot_stock_id, 1000.0
            )
            self.ids = {
                "partner": partner.id,
                "product": product.id,
                "agreement": agreement.id,
                "site": agreement.location_ids.id,
            }
        with self.registry.cursor() as cr:
            self.supply_plans_before = (
                api.Environment(cr, SUPERUSER_ID, {})["vmi.supply.plan"].search([]).ids
            )
        self.addCleanup(self._remove_committed_agreement)

    def _remove_committed_agreement(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["vmi.supply.plan"].search(
                [("id", "not in", self.supply_plans_before)]
            ).unlink()
            agreement = env["vmi.agreement"].browse(self.ids["agreement"])
            env["stock.picking"].search(
                [("vmi_agreement_id", "=", agreement.id)]
            ).unlink()
            env["vmi.replenishment.run.event"].search(
                [("agreement_id", "=", agreement.id)]
            ).run_id.unlink()
            reports = env["vmi.stock.report"].search(
                [("agreement_id", "=", agreement.id)]
            )
            reports.attachment_id.unlink()
            reports.unlink()
            agreement.state = "draft"
            agreement.unlink()
            env["stock.location"].browse(self.ids["site"]).unlink()
            cr.execute(
                "DELETE FROM stock_quant WHERE product_id = %s", [self.ids["product"]]
            )
            env["product.product"].browse(self.ids["product"]).unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()
