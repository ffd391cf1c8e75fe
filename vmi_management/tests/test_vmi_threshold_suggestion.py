from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.vmi_management.engine.suggest import suggest_thresholds

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestThresholdSuggestions(VmiIntakeCommon):
    """The engine suggests thresholds beside the current ones; a VMI Manager accepts or
    rejects them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.line = cls.agreement.line_ids.filtered(
            lambda line: line.product_id == cls.chair and line.location_id == cls.north
        )
        cls.line.lead_time_days = 3.0
        report = cls.env["vmi.stock.report"].create(
            {
                "agreement_id": cls.agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.chair.id,
                            "location_id": cls.north.id,
                            "quantity_on_hand": 20.0,
                            "quantity_consumed": 240.0,
                            "date_period_start": today - timedelta(days=60),
                            "date_period_end": today - timedelta(days=1),
                        }
                    )
                ],
            }
        )
        report.action_process()

    def suggest(self):
        action = self.agreement.with_user(self.vmi_user).action_suggest_thresholds()
        action = action.get("params", {}).get(
            "next", action
        )  # after the note on lines with too little history
        return self.env["vmi.threshold.suggestion"].search(
            action["domain"] + [("state", "=", "proposed")]
        )

    def test_suggestion_beside_current_with_reasoning_and_replay(self):
        suggestion = self.suggest()
        self.assertEqual(
            suggestion.line_id,
            self.line,
            "only the line with a demand history gets one",
        )
        facts = self.env["vmi.replenishment.data"]._gather(
            self.line, fields.Datetime.now()
        )
        expected = suggest_thresholds(
            self.line._prepare_engine_input(facts[self.line]),
            review_days=self.agreement.review_interval_days,
        )
        self.assertEqual(
            (suggestion.current_min_qty, suggestion.current_max_qty), (5.0, 40.0)
        )
        self.assertEqual(
            (suggestion.min_qty, suggestion.max_qty),
            (expected.min_qty, expected.max_qty),
        )
        self.assertGreater(
            suggestion.min_qty,
            5.0,
            "4 a day over 3 days of lead time needs more than 5",
        )
        self.assertIn("<table", suggestion.reasoning_html)
        self.assertGreater(suggestion.simulated_days, 0)
        self.assertTrue(0 <= suggestion.suggested_fill_rate <= 100)
        self.assertGreater(suggestion.suggested_orders, 0)

        again = self.suggest()
        self.assertFalse(suggestion.exists(), "a new suggestion replaces the open one")
        self.assertEqual(len(again), 1)

    def test_manager_accepts_and_the_agreement_logs_it(self):
        suggestion = self.suggest()
        with self.assertRaises(AccessError):
            suggestion.with_user(self.vmi_user).action_accept()
        suggestion.with_user(self.vmi_manager).action_accept()
        self.assertEqual(
            (self.line.min_qty, self.line.max_qty),
            (suggestion.min_qty, suggestion.max_qty),
        )
        self.assertEqual(
            (suggestion.state, suggestion.decided_by_id), ("accepted", self.vmi_manager)
        )
        self.assertIn("accepted", self.agreement.message_ids[0].body)

    def test_manager_rejects_and_the_line_keeps_its_thresholds(self):
        suggestion = self.suggest()
        suggestion.with_user(self.vmi_manager).action_reject()
        self.assertEqual((self.line.min_qty, self.line.max_qty), (5.0, 40.0))
        self.assertEqual(suggestion.state, "rejected")
        self.assertIn("rejected", self.agreement.message_ids[0].body)

    def test_pilot_simulation_totals_the_replays(self):
        self.line.in_pilot_scope = True
        wizard = self.env["vmi.pilot.simulation"].create(
            {"agreement_id": self.agreement.id, "scope": "pilot", "days": 60}
        )
        wizard.action_simulate()
        [(line, __, __, now, suggested)] = self.env["vmi.threshold.suggestion"]._replay(
            self.line, days=60
        )
        self.assertEqual(wizard.line_count, 1, "only the pilot scope")
        # figures are kept to one decimal, as shown
        self.assertAlmostEqual(
            wizard.current_fill_rate, 100.0 * now.fill_rate, delta=0.05
        )
        self.assertAlmostEqual(
            wizard.suggested_fill_rate, 100.0 * suggested.fill_rate, delta=0.05
        )
        self.assertAlmostEqual(
            wizard.current_average_stock, now.average_on_hand, delta=0.05
        )
        self.assertEqual(
            (wizard.current_orders, wizard.suggested_orders),
            (now.orders, suggested.orders),
        )
        self.assertEqual(wizard.current_stockout_days, now.stockout_days)
        self.assertIn("Office Chair", wizard.result_html)
