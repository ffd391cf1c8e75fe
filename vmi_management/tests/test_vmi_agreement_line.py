from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestVmiAgreementLine(VmiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.create_agreement()
        cls.agreement.action_create_site_locations()
        cls.site_a, cls.site_b = cls.agreement.location_ids

    def create_line(self, **vals):
        return self.env["vmi.agreement.line"].create(
            self.line_vals(self.agreement, **vals)
        )

    def test_valid_lines_for_each_policy(self):
        lines = (
            self.create_line()
            | self.create_line(
                product_id=self.masks.id,
                policy="reorder_point",
                reorder_point=5,
                order_qty=12,
            )
            | self.create_line(
                product_id=self.wipes.id,
                policy="days_of_supply",
                target_days=10,
                safety_stock_mode="service_level",
                service_level=97.5,
            )
        )
        self.assertEqual(
            lines.mapped("policy"), ["min_max", "reorder_point", "days_of_supply"]
        )
        self.assertEqual(self.agreement.line_count, 3)
        self.assertIn("Gloves", lines[0].display_name)

    def test_threshold_constraints_have_clear_messages(self):
        cases = [
            (
                {"min_qty": 60.0, "max_qty": 50.0},
                r"the max \(50.0\) must be at least the min \(60.0\)",
            ),
            ({"min_qty": -1.0}, "cannot be negative: Min"),
            ({"max_qty": 0.0, "min_qty": 0.0}, "needs a max above zero"),
            ({"pack_multiple": 0.0}, "pack multiple must be greater than zero"),
            (
                {"policy": "reorder_point", "reorder_point": 5.0, "order_qty": 0.0},
                "needs a fixed order quantity above zero",
            ),
            (
                {"policy": "days_of_supply", "target_days": 0.0},
                "needs target days of supply above zero",
            ),
            (
                {"safety_stock_mode": "service_level", "service_level": 100.0},
                r"service level must be above 0 and below 100%",
            ),
            ({"capacity": 40.0}, r"capacity \(40.0\) is below the max \(50.0\)"),
            (
                {"lead_time_days": -2.0, "moq": -1.0},
                "cannot be negative: Lead Time \\(Days\\), MOQ",
            ),
        ]
        for vals, message in cases:
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.create_line(**vals)

    def test_all_problems_are_listed_at_once(self):
        with self.assertRaises(ValidationError) as caught:
            self.create_line(min_qty=60.0, pack_multiple=0.0)
        message = str(caught.exception)
        self.assertIn("pack multiple", message)
        self.assertIn("must be at least the min", message)

    def test_one_line_per_product_and_location(self):
        self.create_line()
        self.create_line(location_id=self.site_b.id)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.create_line()
            self.env.flush_all()

    def test_location_must_be_an_agreement_site(self):
        with self.assertRaisesRegex(
            ValidationError, "is not a site location of agreement"
        ):
            self.create_line(location_id=self.warehouse.lot_stock_id.id)

    def test_customer_code_names_one_product(self):
        self.create_line(customer_product_code="C-1")
        self.create_line(customer_product_code="C-1", location_id=self.site_b.id)
        with self.assertRaisesRegex(
            ValidationError, "Customer code C-1 is used for Masks and Gloves"
        ):
            self.create_line(product_id=self.masks.id, customer_product_code="C-1")

    def test_running_agreement_thresholds_need_a_manager(self):
        line = self.create_line()
        self.agreement.action_activate()
        as_user = line.with_user(self.vmi_user)
        with self.assertRaisesRegex(AccessError, "only a VMI Manager can change"):
            as_user.max_qty = 80.0
        with self.assertRaisesRegex(AccessError, "only a VMI Manager can change"):
            as_user.unlink()
        with self.assertRaisesRegex(AccessError, "only a VMI Manager can change"):
            self.env["vmi.agreement.line"].with_user(self.vmi_user).create(
                self.line_vals(self.agreement, product_id=self.masks.id)
            )
        as_user.customer_product_code = (
            "ACME-9"  # not a threshold: the planner may fix it
        )
        line.with_user(self.vmi_manager).max_qty = 80.0
        self.assertEqual(line.max_qty, 80.0)

    def test_terminated_agreement_lines_are_frozen(self):
        line = self.create_line()
        self.agreement.action_activate()
        self.agreement.action_terminate()
        with self.assertRaisesRegex(ValidationError, "is terminated"):
            line.with_user(self.vmi_manager).min_qty = 5.0

    def test_edit_lines_in_agreement_form(self):
        agreement = self.create_agreement(partner_id=self.other_customer.id)
        agreement.action_create_site_locations()
        with Form(agreement.with_user(self.vmi_user)) as form:
            with form.line_ids.new() as line:
                line.product_id = self.gloves
                self.assertEqual(
                    line.location_id,
                    agreement.location_ids,
                    "the only site is proposed",
                )
                line.min_qty = 5
                line.max_qty = 25
        self.assertEqual(agreement.line_ids.max_qty, 25.0)

    def test_product_smart_button_counts_lines(self):
        self.create_line()
        self.create_line(location_id=self.site_b.id)
        template = self.gloves.product_tmpl_id.with_user(self.vmi_user)
        self.assertEqual(template.vmi_line_count, 2)
        action = template.action_view_vmi_lines()
        self.assertEqual(
            self.env["vmi.agreement.line"].search(action["domain"]),
            self.agreement.line_ids,
        )
