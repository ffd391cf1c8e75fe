from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestStockLevelsAndScorecard(VmiIntakeCommon):
    """Every evaluation keeps the day's level of each line; the agreement's KPIs are
    computed from them."""

    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env["vmi.stock.level"])
        self.line = self.agreement.line_ids.filtered(
            lambda line: line.product_id == self.chair
            and line.location_id == self.north
        )

    def report(self, on_hand, consumed=0.0, days=30):
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": self.agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.chair.id,
                            "location_id": self.north.id,
                            "quantity_on_hand": on_hand,
                            "quantity_consumed": consumed,
                            "date_period_start": self.today - timedelta(days=days),
                            "date_period_end": self.today - timedelta(days=1),
                        }
                    )
                ],
            }
        )
        report.action_process()

    def levels(self):
        return self.env["vmi.stock.level"].search([("line_id", "=", self.line.id)])

    def test_one_level_per_line_and_day(self):
        self.report(on_hand=12.0)
        self.env["vmi.replenishment"]._evaluate_now(self.agreement)
        level = self.levels()
        self.assertEqual(len(level), 1)
        self.assertEqual(
            (level.date, level.on_hand, level.trigger_level, level.target_level),
            (self.today, 12.0, 5.0, 40.0),
        )

        self.report(on_hand=7.0)
        self.env["vmi.replenishment"]._evaluate_now(self.agreement)
        self.assertEqual(
            self.levels(), level, "the same day's level is replaced, not added"
        )
        self.assertEqual(level.on_hand, 7.0)

    def test_scorecard_from_a_constructed_history(self):
        """30 days: 2 consumed a day, 10 on hand except 2 days out of stock; today 10 on
        hand."""
        self.agreement.write({"target_fill_rate": 95.0, "target_inventory_turns": 50.0})
        self.env["vmi.stock.level"].create(
            [
                {
                    "line_id": self.line.id,
                    "agreement_id": self.agreement.id,
                    "product_id": self.chair.id,
                    "location_id": self.north.id,
                    "date": self.today - timedelta(days=days_ago),
                    "on_hand": 0.0 if days_ago in (5, 6) else 10.0,
                    "trigger_level": 5.0,
                    "target_level": 40.0,
                    "demand_rate": 3.0 if days_ago == 1 else 2.0,
                }
                for days_ago in range(1, 30)
            ]
        )
        self.env["vmi.stock.level"].create(
            {  # older than the 30-day look-back: ignored
                "line_id": self.line.id,
                "agreement_id": self.agreement.id,
                "product_id": self.chair.id,
                "location_id": self.north.id,
                "date": self.today - timedelta(days=40),
                "on_hand": 0.0,
            }
        )
        self.report(on_hand=10.0, consumed=60.0, days=30)
        self.env["vmi.replenishment"]._evaluate_now(self.agreement)

        rate = self.line.last_demand_rate
        self.assertAlmostEqual(rate, 2.0, places=6, msg="a steady 2 a day")
        agreement = self.agreement
        self.assertAlmostEqual(
            agreement.kpi_fill_rate, 100.0 * 60.0 / (60.0 + 2 * rate), places=1
        )
        self.assertAlmostEqual(
            agreement.kpi_inventory_turns,
            60.0 / (280.0 / 30.0) * 365.0 / 30.0,
            places=1,
        )
        self.assertAlmostEqual(agreement.kpi_days_of_supply, 10.0 / rate, places=1)
        self.assertEqual(agreement.kpi_stockout_days, 2)
        self.assertTrue(agreement.kpi_date)
        # 29 days judged: 28 forecasts of 2 against 2 consumed, and yesterday's 3
        # against 2
        self.assertAlmostEqual(
            agreement.kpi_forecast_accuracy, 100.0 * (1 - 1.0 / 58.0), places=1
        )
        self.assertAlmostEqual(
            agreement.kpi_forecast_bias, 1.0 / 29.0, delta=0.005
        )  # kept to 2 decimals
        self.assertIsNone(
            agreement.kpi_bullwhip_ratio, "undefined when demand never varies"
        )
        self.assertIsNone(agreement.kpi_on_time_rate, "undefined without a delivery")

        snapshots = self.env["vmi.kpi.snapshot"].search(
            [("agreement_id", "=", agreement.id)]
        )
        self.assertEqual(sorted(snapshots.mapped("period")), ["day", "week"])
        for snapshot in snapshots:
            self.assertEqual(
                (snapshot.fill_rate, snapshot.target_fill_rate, snapshot.stockout_days),
                (agreement.kpi_fill_rate, 95.0, 2),
            )
        self.env["vmi.replenishment"]._evaluate_now(self.agreement)
        self.assertEqual(
            self.env["vmi.kpi.snapshot"].search([("agreement_id", "=", agreement.id)]),
            snapshots,
            "a second evaluation the same day updates the day's and the week's "
            "snapshot",
        )

    def test_evaluating_some_lines_leaves_the_scorecard(self):
        self.report(on_hand=12.0)
        self.line.action_evaluate_now()
        self.assertTrue(self.levels(), "the evaluated line's level is kept")
        self.assertFalse(
            self.agreement.kpi_date, "the scorecard covers whole agreements only"
        )

    def test_on_time_delivery_against_the_order_cycle_time(self):
        consignment = self.intake_agreement(
            self.customer, "consignment", barcodes=("CONS-N", "CONS-S")
        )
        stock = self.warehouse.lot_stock_id
        for product in (self.chair, self.desk, self.lamp):
            self.add_stock(product, stock, 200.0)
        Replenishment = self.env["vmi.replenishment"]
        Replenishment._evaluate_now(consignment)
        transfers = consignment.picking_ids
        self.assertEqual(len(transfers), 2, "one per site")
        for transfer in transfers:
            transfer.action_confirm()
            transfer.action_assign()
            transfer.button_validate()
        self.env.cr.execute(
            "UPDATE stock_picking SET create_date = create_date - interval '10 days' "
            "WHERE id = %s",
            [transfers[0].id],
        )
        transfers.invalidate_recordset(["create_date"])
        Replenishment._evaluate_now(consignment)
        self.assertEqual(
            consignment.kpi_on_time_rate,
            50.0,
            "one within the 5-day cycle, one 10 days late",
        )
