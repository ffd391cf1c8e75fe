from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestVmiExceptions(VmiIntakeCommon):
    """Exceptions are raised by the evaluation and intake, put on the owner's list, and
    clear themselves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vmi_manager.email = "planner@example.com"
        cls.agreement.user_id = cls.vmi_manager
        cls.today = fields.Date.today()

    def line(self, product=None):
        return self.agreement.line_ids.filtered(
            lambda line: line.product_id == (product or self.chair)
            and line.location_id == self.north
        )

    def report(self, on_hand, consumed=0.0, first_day=30, last_day=1, product=None):
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": self.agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": (product or self.chair).id,
                            "location_id": self.north.id,
                            "quantity_on_hand": on_hand,
                            "quantity_consumed": consumed,
                            "date_period_start": self.today - timedelta(days=first_day),
                            "date_period_end": self.today - timedelta(days=last_day),
                        }
                    )
                ],
            }
        )
        report.action_process()
        return report

    def evaluate(self, now=None):
        return self.env["vmi.replenishment"]._evaluate(
            self.agreement, trigger="manual", now=now or fields.Datetime.now()
        )

    def open_exceptions(self, kind, line=None):
        return self.env["vmi.exception"].search(
            [
                ("agreement_id", "=", self.agreement.id),
                ("kind", "=", kind),
                ("state", "=", "open"),
                ("line_id", "=", line.id if line else False),
            ]
        )

    def assertRaisedThenCleared(self, kind, raise_it, clear_it, line=None):
        raise_it()
        exception = self.open_exceptions(kind, line)
        self.assertEqual(len(exception), 1, f"{kind} raised")
        self.assertTrue(exception.message)
        self.assertEqual(
            exception.user_id, self.vmi_manager, "owned by the agreement's responsible"
        )
        self.assertEqual(
            exception.activity_ids.user_id,
            self.vmi_manager,
            "an activity on the owner's list",
        )
        raise_it()
        self.assertEqual(
            self.open_exceptions(kind, line),
            exception,
            "raised once, not again on each run",
        )
        clear_it()
        self.assertEqual(exception.state, "resolved", f"{kind} cleared")
        self.assertTrue(exception.date_resolved)
        self.assertFalse(exception.activity_ids)

    def test_out_of_stock(self):
        self.assertRaisedThenCleared(
            "out_of_stock",
            lambda: (self.report(0.0), self.evaluate()),
            lambda: (self.report(20.0), self.evaluate()),
            self.line(),
        )

    def test_overstock(self):
        self.assertRaisedThenCleared(
            "overstock",
            lambda: (self.report(55.0), self.evaluate()),
            lambda: (self.report(20.0), self.evaluate()),
            self.line(),
        )

    def test_projected_stockout_within_lead_time(self):
        self.line().write({"lead_time_days": 5.0, "min_qty": 1.0})
        self.assertRaisedThenCleared(
            "projected_stockout",
            lambda: (self.report(6.0, consumed=60.0), self.evaluate()),
            lambda: (self.report(39.0), self.evaluate()),
            self.line(),
        )

    def test_order_capped_by_capacity_and_below_min_not_fixed(self):
        """Packs of 50 never fit the room left below a capacity of 40: nothing can be
        ordered."""
        line = self.line()

        def raise_it():
            line.write({"pack_multiple": 50.0, "capacity": 40.0})
            self.report(3.0)
            self.evaluate()
            self.assertTrue(
                self.open_exceptions("below_min", line), "3 on hand stays below min 5"
            )

        self.assertRaisedThenCleared(
            "capacity_capped",
            raise_it,
            lambda: (line.write({"pack_multiple": 1.0}), self.evaluate()),
            line,
        )
        self.assertFalse(
            self.open_exceptions("below_min", line),
            "the order now brings it back above min",
        )

    def test_demand_spike(self):
        line = self.line()

        def raise_it():
            self.report(30.0, consumed=58.0, first_day=30, last_day=2)
            self.report(30.0, consumed=25.0, first_day=1, last_day=1)
            self.evaluate()

        def clear_it():
            # the spike stays the last known day until a report says what came next: an
            # ordinary day
            self.report(30.0, consumed=2.0, first_day=0, last_day=0)
            self.evaluate(now=fields.Datetime.now() + timedelta(days=1))

        self.assertRaisedThenCleared("demand_spike", raise_it, clear_it, line)

    def test_stale_data_is_cleared_by_intake(self):
        self.assertRaisedThenCleared(
            "stale_data", self.evaluate, lambda: self.report(20.0)
        )

    def test_draft_awaiting_approval_too_long(self):
        self.agreement.approval_threshold = 1.0

        def raise_it():
            self.report(1.0)
            self.evaluate()
            order = self.agreement.sale_order_ids
            self.assertTrue(order.vmi_approval_required)
            self.env.cr.execute(
                "UPDATE sale_order SET create_date = %s WHERE id = %s",
                [fields.Datetime.now() - timedelta(days=3), order.id],
            )
            order.invalidate_recordset(["create_date"])
            self.evaluate()

        def clear_it():
            self.agreement.sale_order_ids.with_user(
                self.vmi_manager
            ).action_vmi_approve()
            self.evaluate()

        self.assertRaisedThenCleared("approval_overdue", raise_it, clear_it)

    def test_daily_digest_to_each_owner(self):
        self.report(0.0)
        self.evaluate()
        mails = self.env["vmi.exception"]._cron_send_digest()
        mail = mails.filtered(lambda mail: "planner@example.com" in mail.email_to)
        self.assertEqual(len(mail), 1)
        self.assertIn("Out of stock", mail.body_html)
        self.assertIn(self.agreement.name, mail.body_html)
