from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import VmiCommon
from .intake_common import VmiIntakeCommon

RUN_LINK = 'data-oe-model="vmi.replenishment.run"'


@tagged("post_install", "-at_install")
class TestWhyThisQuantity(VmiCommon):
    """Each line of a VMI proposal keeps its decision's reason and opens its steps; the
    proposal's chatter gets one note per evaluation run that changed it."""

    def running_agreement(self, **vals):
        agreement = self.create_running_agreement(**vals)
        agreement.line_ids = [
            Command.create(self.line_vals(agreement, product_id=self.masks.id))
        ]
        agreement.action_activate()
        return agreement, agreement.location_ids[:1]

    def report_stock(self, agreement, site, gloves, masks):
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(minutes=5),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "location_id": site.id,
                            "quantity_on_hand": on_hand,
                        }
                    )
                    for product, on_hand in ((self.gloves, gloves), (self.masks, masks))
                ],
            }
        )
        report.action_process()

    @staticmethod
    def run_notes(document):
        return document.message_ids.filtered(
            lambda message: RUN_LINK in (message.body or "")
        )

    def test_sale_order_lines_give_their_reason_and_open_the_decision(self):
        agreement, site = self.running_agreement(ownership="customer_owned")
        self.report_stock(agreement, site, gloves=4.0, masks=30.0)
        run = self.evaluate(agreement)
        order = agreement.sale_order_ids
        line = agreement.line_ids.filtered(
            lambda agreement_line: agreement_line.product_id == self.gloves
        )
        self.assertEqual(
            order.order_line.vmi_line_id, line, "only gloves (4 < min 10) are ordered"
        )
        self.assertTrue(order.order_line.vmi_reason)
        self.assertEqual(order.order_line.vmi_reason, line.last_decision_reason)
        action = order.order_line.action_vmi_open_decision()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("vmi.agreement.line", line.id)
        )
        self.assertEqual(action["name"], "Why this quantity?", "the dialog has a title")

        [note] = self.run_notes(order)
        self.assertIn(f'data-oe-id="{run.id}"', note.body, "the note links the run")
        self.assertIn("Gloves: 0 → 46", note.body)

        self.evaluate(agreement)
        self.assertEqual(
            len(self.run_notes(order)), 1, "a run that changes nothing writes nothing"
        )

        self.report_stock(agreement, site, gloves=2.0, masks=1.0)
        second = self.evaluate(agreement)
        notes = self.run_notes(order)
        self.assertEqual(len(notes), 2, "one note for the run, not one per line")
        self.assertIn(f'data-oe-id="{second.id}"', notes[0].body)
        self.assertIn("Gloves: 46 → 48", notes[0].body)
        self.assertIn("Masks: 0 → 49", notes[0].body)
        masks_line = order.order_line.filtered(
            lambda order_line: order_line.product_id == self.masks
        )
        self.assertEqual(
            masks_line.vmi_reason, masks_line.vmi_line_id.last_decision_reason
        )

    def test_the_delivery_of_a_vmi_sale_order_gives_its_reason(self):
        agreement, site = self.running_agreement(ownership="customer_owned")
        self.report_stock(agreement, site, gloves=4.0, masks=30.0)
        self.evaluate(agreement)
        order = agreement.sale_order_ids
        order.action_confirm()
        delivery = order.picking_ids
        self.assertTrue(
            delivery.vmi_replenishment, "the delivery shows it replenishes a VMI site"
        )
        self.assertEqual(delivery.move_ids.vmi_reason, order.order_line.vmi_reason)
        self.assertFalse(
            delivery.move_ids.vmi_line_id,
            "Odoo's rules, not the agreement's owners, reserve it",
        )
        self.assertEqual(
            delivery.move_ids.vmi_decision_line_id, order.order_line.vmi_line_id
        )
        action = delivery.move_ids.action_vmi_open_decision()
        self.assertEqual(action["res_id"], order.order_line.vmi_line_id.id)

    def test_transfer_moves_give_their_reason(self):
        agreement, site = self.running_agreement()
        self.add_stock(self.gloves, site, 5.0)
        self.add_stock(self.masks, site, 30.0)
        self.evaluate(agreement)
        transfer = agreement.picking_ids
        self.assertEqual(transfer.move_ids.product_id, self.gloves)
        self.assertEqual(
            transfer.move_ids.vmi_reason,
            transfer.move_ids.vmi_line_id.last_decision_reason,
        )
        self.assertIn("Gloves: 0 → 45", self.run_notes(transfer).body)

    def test_purchase_order_lines_give_their_reason(self):
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor.id,
                "product_tmpl_id": self.gloves.product_tmpl_id.id,
                "price": 3.0,
            }
        )
        agreement = self.create_running_agreement(
            partner_id=self.vendor.id, role="customer"
        )
        agreement.action_activate()
        self.add_stock(self.gloves, agreement.location_ids[:1], 3.0, owner=self.vendor)
        self.evaluate(agreement)
        order = agreement.purchase_order_ids
        self.assertEqual(
            order.order_line.vmi_reason, agreement.line_ids.last_decision_reason
        )
        self.assertIn("Gloves: 0 → 47", self.run_notes(order).body)


@tagged("post_install", "-at_install")
class TestExceptionActions(VmiIntakeCommon):
    """A planner acknowledges or snoozes an exception and opens what it is about; lists,
    counters and the digest leave out what was acknowledged or snoozed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vmi_manager.email = "planner@example.com"
        cls.agreement.user_id = cls.vmi_manager
        cls.line = cls.agreement.line_ids.filtered(
            lambda line: line.product_id == cls.chair and line.location_id == cls.north
        )
        cls.report = cls.env["vmi.stock.report"].create(
            {
                "agreement_id": cls.agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.chair.id,
                            "location_id": cls.north.id,
                            "quantity_on_hand": 0.0,
                        }
                    )
                ],
            }
        )
        cls.report.action_process()
        cls.env["vmi.replenishment"]._evaluate(
            cls.agreement, trigger="manual", now=fields.Datetime.now()
        )
        cls.exception = cls.env["vmi.exception"].search(
            [
                ("line_id", "=", cls.line.id),
                ("kind", "=", "out_of_stock"),
                ("state", "=", "open"),
            ]
        )

    def decide(self, mode, **vals):
        action = (
            self.exception.with_user(self.vmi_user).action_acknowledge()
            if mode == "acknowledge"
            else self.exception.with_user(self.vmi_user).action_snooze()
        )
        self.assertTrue(action["name"], "the dialog has a title")
        wizard = (
            self.env["vmi.exception.decision"]
            .with_user(self.vmi_user)
            .with_context(**action["context"])
            .create(vals)
        )
        return wizard.action_apply()

    def needing_attention(self):
        return self.env["vmi.exception"].search(
            [("agreement_id", "=", self.agreement.id), ("needs_attention", "=", True)]
        )

    def digest_lists_it(self):
        mails = self.env["vmi.exception"]._cron_send_digest()
        return any(self.chair.display_name in mail.body_html for mail in mails)

    def test_acknowledged_leaves_the_lists_and_comes_back_when_it_persists(self):
        self.assertIn(self.exception, self.needing_attention())
        self.assertTrue(self.digest_lists_it())
        count = self.agreement.exception_count
        self.decide("acknowledge", note="Emergency delivery booked for Monday")
        self.assertEqual(self.exception.acknowledged_by_id, self.vmi_user)
        self.assertTrue(self.exception.date_acknowledged)
        self.assertEqual(
            self.exception.acknowledge_note, "Emergency delivery booked for Monday"
        )
        self.exception.invalidate_recordset(["activity_ids"])
        self.assertFalse(self.exception.activity_ids, "the owner's to-do is done")
        self.assertNotIn(self.exception, self.needing_attention())
        self.agreement.invalidate_recordset(["exception_count"])
        self.assertEqual(self.agreement.exception_count, count - 1)
        self.assertFalse(self.digest_lists_it())

        self.env["vmi.replenishment"]._evaluate(
            self.agreement, trigger="manual", now=fields.Datetime.now()
        )
        self.assertTrue(
            self.exception.date_acknowledged,
            "still holding, still acknowledged within a week",
        )

        self.exception.date_acknowledged = fields.Datetime.now() - timedelta(days=8)
        self.env["vmi.replenishment"]._evaluate(
            self.agreement, trigger="manual", now=fields.Datetime.now()
        )
        self.assertFalse(
            self.exception.date_acknowledged, "still out of stock a week later: back"
        )
        self.assertIn(self.exception, self.needing_attention())
        self.assertEqual(self.exception.activity_ids.user_id, self.vmi_manager)

    def test_messages_count_in_words(self):
        mail = (
            self.env["vmi.exception"]
            ._cron_send_digest()
            .filtered(lambda mail: "planner@example.com" in mail.email_to)
        )
        self.assertEqual(
            len(
                self.needing_attention().filtered(
                    lambda e: e.user_id == self.vmi_manager
                )
            ),
            1,
        )
        self.assertIn("1 VMI exception needs your attention", mail.body_html)
        self.agreement.max_data_age_days = 1
        self.report.date_as_of = fields.Datetime.now() - timedelta(days=3)
        [message] = (
            self.env["vmi.exception"]._agreement_exceptions(self.agreement).values()
        )
        self.assertIn("No stock report for a day or more", message)

    def test_snoozed_until_a_later_day(self):
        today = fields.Date.context_today(self.exception)
        for day in (today - timedelta(days=1), today):
            with self.assertRaisesRegex(UserError, "Snooze until a day after today"):
                self.decide("snooze", snoozed_until=day)
        self.decide("snooze", snoozed_until=today + timedelta(days=3))
        self.assertEqual(self.exception.snoozed_until, today + timedelta(days=3))
        self.assertNotIn(self.exception, self.needing_attention())
        self.assertFalse(self.digest_lists_it())
        self.assertEqual(
            self.exception.activity_ids.date_deadline,
            today + timedelta(days=3),
            "the to-do waits",
        )
        self.exception.snoozed_until = today
        self.assertIn(self.exception, self.needing_attention(), "the day has come")

    def test_open_the_line_the_proposal_and_the_report(self):
        order = self.agreement.sale_order_ids
        self.assertEqual(self.exception.proposal_ref, order)
        self.assertEqual(self.exception.stock_report_id, self.report)
        self.assertEqual(self.exception.action_open_line()["res_id"], self.line.id)
        proposal = self.exception.action_open_proposal()
        self.assertEqual(
            (proposal["res_model"], proposal["res_id"]), ("sale.order", order.id)
        )
        self.assertEqual(
            self.exception.action_open_stock_report()["res_id"], self.report.id
        )
        other = self.env["vmi.exception"].search(
            [("agreement_id", "=", self.agreement.id), ("line_id", "=", False)], limit=1
        ) or self.env["vmi.exception"].create(
            {
                "agreement_id": self.agreement.id,
                "kind": "evaluation_failed",
                "severity": "high",
                "message": "failed",
            }
        )
        self.assertFalse(other.line_id)
        self.assertFalse(other.proposal_ref, "nothing to open: the button is hidden")


@tagged("post_install", "-at_install")
class TestSuggestionGuards(VmiIntakeCommon):
    """Suggestions come from enough covered days, never count a stockout as no demand,
    and one whose replay misses the target fill rate is flagged and only a VMI Manager
    accepts it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.line = cls.agreement.line_ids.filtered(
            lambda line: line.product_id == cls.chair and line.location_id == cls.north
        )
        cls.line.lead_time_days = 3.0

    def report_history(self, days):
        self.env["vmi.stock.report"].create(
            {
                "agreement_id": self.agreement.id,
                "date_as_of": datetime.combine(
                    self.today - timedelta(days=1), time(22, 0)
                ),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.chair.id,
                            "location_id": self.north.id,
                            "quantity_on_hand": 20.0,
                            "quantity_consumed": 4.0 * days,
                            "date_period_start": self.today - timedelta(days=days),
                            "date_period_end": self.today - timedelta(days=1),
                        }
                    )
                ],
            }
        ).action_process()

    def test_too_few_covered_days_gives_a_clear_message_and_no_suggestion(self):
        self.report_history(20)
        action = self.agreement.with_user(self.vmi_user).action_suggest_thresholds()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("at least 28 covered days", action["params"]["message"])
        self.assertIn(f"{self.line.display_name}: 20", action["params"]["message"])
        self.assertFalse(
            self.env["vmi.threshold.suggestion"].search(
                [("line_id", "=", self.line.id)]
            )
        )
        self.env["ir.config_parameter"].set_param(
            "vmi_management.suggestion_min_days", 14
        )
        self.agreement.action_suggest_thresholds()
        self.assertTrue(
            self.env["vmi.threshold.suggestion"].search(
                [("line_id", "=", self.line.id)]
            )
        )

    def test_days_out_of_stock_are_not_replayed_as_zero_demand(self):
        self.report_history(60)
        [(__, __, __, before, __)] = self.env["vmi.threshold.suggestion"]._replay(
            self.line
        )
        self.env["vmi.stock.level"].create(
            [
                {
                    "line_id": self.line.id,
                    "agreement_id": self.agreement.id,
                    "product_id": self.chair.id,
                    "location_id": self.north.id,
                    "date": self.today - timedelta(days=offset),
                    "on_hand": 0.0,
                }
                for offset in range(1, 11)
            ]
        )
        [(__, __, __, after, __)] = self.env["vmi.threshold.suggestion"]._replay(
            self.line
        )
        self.assertEqual(
            after.days, before.days - 10, "the ten days out of stock are left out"
        )
        self.assertAlmostEqual(
            after.demanded / after.days, 4.0, msg="the demand replayed stays 4 a day"
        )

    def test_a_suggestion_missing_the_target_fill_rate_is_a_managers_call(self):
        self.report_history(60)
        self.agreement.action_suggest_thresholds()
        suggestion = self.env["vmi.threshold.suggestion"].search(
            [("line_id", "=", self.line.id)]
        )
        self.assertEqual(
            suggestion.display_name, f"Thresholds for {self.line.display_name}"
        )
        suggestion.suggested_fill_rate = 95.0
        self.assertFalse(
            suggestion.misses_target_fill_rate, "95 % meets the target of 95 %"
        )
        suggestion.suggested_fill_rate = 71.8
        self.assertTrue(suggestion.misses_target_fill_rate)
        with self.assertRaisesRegex(
            UserError, "serves 71.8% of the demand, below the agreement's target"
        ):
            suggestion.with_user(self.vmi_user).action_accept()
        before = self.line.min_qty
        suggestion.with_user(self.vmi_manager).action_accept()
        self.assertEqual(suggestion.state, "accepted")
        self.assertIn(
            f"Min {self.line._format_step_value(before)} →",
            self.agreement.message_ids[0].body,
            "the change is logged with the field's label",
        )
