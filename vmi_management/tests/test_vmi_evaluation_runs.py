from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from ..tools.dates import company_tz, day_start, local_date
from .common import VmiCommon

CRON_XMLID = "vmi_management.ir_cron_vmi_replenishment"
MODULE = "odoo.addons.vmi_management.models.vmi_replenishment"


@tagged("post_install", "-at_install")
class TestEvaluationRuns(VmiCommon):
    """Scheduled and manual runs: every due agreement is evaluated, a failing one blocks
    nobody, a line that cannot be ordered blocks only itself, new data asks for an
    evaluation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.add_stock(cls.gloves, cls.stock, 10000.0)
        cls.add_stock(cls.masks, cls.stock, 10000.0)
        cls.cron = cls.env.ref(CRON_XMLID)
        cls.Replenishment = cls.env["vmi.replenishment"]

    def running_agreement(self, partner=None, **vals):
        """A running agreement with one gloves line (min 10, max 50) on its only
        site."""
        partner = partner or self.env["res.partner"].create(
            {"name": "Customer", "is_company": True}
        )
        agreement = self.create_running_agreement(partner_id=partner.id, **vals)
        agreement.action_activate()
        return agreement

    def transfers(self, agreements):
        return self.env["stock.picking"].search(
            [("vmi_agreement_id", "in", agreements.ids)]
        )

    def report_stock(self, agreement, quantities):
        """A stock report typed in the back office for the agreement's site: {product:
        on hand}."""
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "location_id": agreement.location_ids.id,
                            "quantity_on_hand": on_hand,
                        }
                    )
                    for product, on_hand in quantities.items()
                ],
            }
        )
        report.action_process()
        self.assertEqual(
            report.state, "processed", report.line_ids.mapped("rejection_reason")
        )
        return report

    def open_failure(self, agreement):
        return self.env["vmi.exception"].search(
            [
                ("agreement_id", "=", agreement.id),
                ("kind", "=", "evaluation_failed"),
                ("state", "=", "open"),
            ]
        )

    def cron_triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    # ------------------------------------------------------------------
    # One failing agreement never blocks the others
    # ------------------------------------------------------------------

    def test_failing_agreement_is_postponed_and_flagged_while_the_others_get_their_orders(  # noqa: E501
        self,
    ):
        """Its sale order cannot be confirmed (no delivery rule in its warehouse): a
        real failure."""
        self.vmi_manager.email = "planner@example.com"
        warehouse = self.env["stock.warehouse"].create(
            {"name": "No Delivery", "code": "NOD"}
        )
        warehouse.delivery_route_id.rule_ids.active = False
        self.add_stock(self.gloves, warehouse.lot_stock_id, 100.0)
        broken = self.running_agreement(
            ownership="customer_owned",
            order_mode="confirm",
            warehouse_id=warehouse.id,
            user_id=self.vmi_manager.id,
        )
        self.report_stock(broken, {self.gloves: 0.0})
        healthy = (
            self.running_agreement()
            | self.running_agreement()
            | self.running_agreement()
        )

        self.Replenishment._cron_evaluate()

        run = self.env["vmi.replenishment.run"].search([], limit=1)
        self.assertEqual(run.agreement_count, 4)
        for agreement in healthy:
            self.assertEqual(self.transfers(agreement).move_ids.product_uom_qty, 50.0)
            self.assertEqual(agreement.last_evaluation_date, run.date_start)
        self.assertFalse(
            self.env["sale.order"].search([("vmi_agreement_id", "=", broken.id)]),
            "the failed agreement's order is rolled back",
        )
        self.assertFalse(broken.last_evaluation_date)
        self.assertFalse(
            broken.line_ids.last_evaluation_date,
            "nothing of the failed evaluation is kept",
        )

        error = self.events(run, "error")
        self.assertEqual(error.agreement_id, broken)
        self.assertIn(f"Agreement {broken.name} was not replenished", error.message)
        self.assertIn("No rule has been found to replenish", error.message)
        self.assertEqual(run.state, "with_errors")

        failure = self.open_failure(broken)
        self.assertEqual(failure.severity, "high")
        self.assertEqual(failure.message, error.message)
        self.assertEqual(failure.user_id, self.vmi_manager)
        self.assertEqual(
            failure.activity_ids.user_id,
            self.vmi_manager,
            "on the responsible's to-do list",
        )

        self.assertEqual(
            broken.date_next_evaluation,
            run.date_start + timedelta(hours=1),
            "postponed by an hour: not due again in this run",
        )
        self.assertFalse(
            broken.evaluation_requested, "the request is answered by the retry"
        )
        runs = self.env["vmi.replenishment.run"].search_count([])
        self.Replenishment._cron_evaluate()
        self.assertEqual(
            self.env["vmi.replenishment.run"].search_count([]),
            runs,
            "nothing is due any more",
        )

        warehouse.delivery_route_id.with_context(
            active_test=False
        ).rule_ids.active = True
        broken.date_next_evaluation = fields.Datetime.now() - timedelta(
            minutes=1
        )  # the hour has passed
        self.Replenishment._cron_evaluate()
        self.assertEqual(
            self.env["sale.order"].search([("vmi_agreement_id", "=", broken.id)]).state,
            "sale",
        )
        self.assertEqual(
            failure.state, "resolved", "cleared by the next successful evaluation"
        )
        self.assertFalse(failure.activity_ids)
        retry = self.env["vmi.replenishment.run"].search([], limit=1)
        tz = company_tz(broken.company_id)
        self.assertEqual(
            broken.date_next_evaluation,
            day_start(local_date(retry.date_start, tz) + timedelta(days=1), tz),
            "back on its regular schedule: the start of the next review day, even"
            " when that comes sooner than the retry hour would",
        )

    def test_failure_outside_the_proposals_is_isolated_too(self):
        """Recording the results, not only creating orders, fails for one agreement
        only."""
        first, broken, last = (
            self.running_agreement(),
            self.running_agreement(),
            self.running_agreement(),
        )
        Replenishment = type(self.Replenishment)
        write_decisions = Replenishment._write_decisions

        def failing_for_broken(replenishment, decisions, facts, now):
            if broken in {line.agreement_id for line in decisions}:
                raise ValueError("disk full")
            return write_decisions(replenishment, decisions, facts, now)

        with patch.object(Replenishment, "_write_decisions", failing_for_broken):
            run = self.evaluate(first | broken | last)
        self.assertEqual(len(self.transfers(first | last)), 2)
        self.assertFalse(self.transfers(broken))
        self.assertEqual((first | last).line_ids.mapped("last_order_qty"), [50.0, 50.0])
        self.assertEqual(self.events(run, "error").agreement_id, broken)
        self.assertIn("disk full", self.open_failure(broken).message)
        self.assertEqual(run.line_count, 2)

    def test_cron_worker_counts_a_postponed_agreement_as_done_not_remaining(self):
        broken, second, third = (
            self.running_agreement(),
            self.running_agreement(),
            self.running_agreement(),
        )
        gather = type(self.env["vmi.replenishment.data"])._gather

        def failing_for_broken(data, lines, now):
            if broken in lines.agreement_id:
                raise ValueError("unreadable stock")
            return gather(data, lines, now)

        progresses = []
        with (
            patch(f"{MODULE}.BATCH_SIZE", 2),
            patch.object(
                type(self.env["vmi.replenishment.data"]), "_gather", failing_for_broken
            ),
        ):
            for __ in range(2):
                # what ir.cron._run_job does before each call
                cron, progress = self.cron._add_progress()
                self.Replenishment.with_context(
                    cron_id=cron.id, ir_cron_progress_id=progress.id
                )._cron_evaluate()
                progresses.append((progress.done, progress.remaining))
        self.assertEqual(
            progresses,
            [(1, 1), (1, 0)],
            "one step (of two agreements) per call; the failed one is not remaining",
        )
        self.assertEqual(len(self.transfers(second | third)), 2)
        self.assertTrue(self.open_failure(broken))

    # ------------------------------------------------------------------
    # Run manually evaluates every due agreement
    # ------------------------------------------------------------------

    def test_run_manually_evaluates_every_due_agreement(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Clinic {n}", "is_company": True} for n in range(45)]
        )
        agreements = self.env["vmi.agreement"].concat(
            *(self.running_agreement(partner) for partner in partners)
        )
        triggers = self.cron_triggers()

        self.cron.method_direct_trigger()

        self.assertTrue(
            all(agreements.mapped("last_evaluation_date")),
            "all 45, not only the first batch of 20",
        )
        self.assertEqual(len(self.transfers(agreements)), 45)
        self.assertEqual(
            set(self.transfers(agreements).move_ids.mapped("product_uom_qty")), {50.0}
        )
        self.assertEqual(
            sum(self.env["vmi.replenishment.run"].search([]).mapped("agreement_count")),
            45,
        )
        self.assertEqual(
            self.cron_triggers(), triggers, "nothing left for the cron worker"
        )

    def test_run_manually_leaves_the_rest_to_the_cron_when_its_time_is_up(self):
        agreements = self.env["vmi.agreement"].concat(
            *(self.running_agreement() for __ in range(5))
        )
        with patch(f"{MODULE}.BATCH_SIZE", 2), patch(f"{MODULE}.MANUAL_RUN_BUDGET", 0):
            self.cron.method_direct_trigger()
        self.assertEqual(
            len(agreements.filtered("last_evaluation_date")),
            2,
            "one batch, then the time is up",
        )
        self.assertTrue(
            self.cron_triggers().filtered(
                lambda trigger: trigger.call_at <= fields.Datetime.now()
            ),
            "the cron worker is called for the other three",
        )

    # ------------------------------------------------------------------
    # A product that cannot be ordered blocks only its own line
    # ------------------------------------------------------------------

    def test_unsellable_product_blocks_only_its_line(self):
        agreement = self.running_agreement(ownership="customer_owned")
        agreement.line_ids = [
            Command.create(self.line_vals(agreement, product_id=self.masks.id))
        ]
        gloves_line, masks_line = agreement.line_ids.sorted("id")
        self.masks.sale_ok = False
        self.report_stock(agreement, {self.gloves: 4.0, self.masks: 0.0})

        run = self.evaluate(agreement)

        order = self.env["sale.order"].search([("vmi_agreement_id", "=", agreement.id)])
        self.assertEqual(
            [(line.product_id, line.product_uom_qty) for line in order.order_line],
            [(self.gloves, 46.0)],
        )
        error = self.events(run, "error")
        self.assertEqual(error.line_id, masks_line)
        self.assertEqual(
            error.message,
            f"Not ordered at {masks_line.location_id.display_name}: Masks cannot be "
            "sold: tick 'Sales' on the product so it can be put on a sale order.",
        )
        self.assertEqual(
            masks_line.last_order_qty, 50.0, "the decision itself is recorded"
        )
        self.assertEqual(gloves_line.last_order_qty, 46.0)
        self.assertTrue(agreement.last_evaluation_date)
        self.assertFalse(
            self.open_failure(agreement), "the agreement itself did not fail"
        )

        self.masks.sale_ok = True
        self.evaluate(agreement)
        self.assertEqual(
            sorted(order.order_line.mapped("product_uom_qty")),
            [46.0, 50.0],
            "once sellable, the same draft orders it",
        )

    def test_product_without_vendor_price_blocks_only_its_line(self):
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor.id,
                "product_tmpl_id": self.gloves.product_tmpl_id.id,
                "price": 3.0,
            }
        )
        agreement = self.running_agreement(partner=self.vendor, role="customer")
        agreement.line_ids = [
            Command.create(self.line_vals(agreement, product_id=self.masks.id))
        ]
        masks_line = agreement.line_ids.filtered(
            lambda line: line.product_id == self.masks
        )

        run = self.evaluate(agreement)

        order = self.env["purchase.order"].search(
            [("vmi_agreement_id", "=", agreement.id)]
        )
        self.assertEqual(order.order_line.product_id, self.gloves)
        self.assertEqual(order.order_line.product_qty, 50.0)
        error = self.events(run, "error")
        self.assertEqual(error.line_id, masks_line)
        self.assertIn(
            "Masks has no price from vendor Omega Supplies: add the vendor and its "
            "price on the Purchase tab of the product.",
            error.message,
        )

    # ------------------------------------------------------------------
    # New data asks for an evaluation
    # ------------------------------------------------------------------

    def test_stock_report_triggers_an_evaluation_that_keeps_the_schedule(self):
        agreement = self.running_agreement(
            ownership="customer_owned", review_interval_days=3
        )
        # no stock level yet: nothing ordered, next review in 3 days
        self.Replenishment._cron_evaluate()
        scheduled = agreement.date_next_evaluation
        self.assertGreater(scheduled, fields.Datetime.now())
        self.assertFalse(
            self.env["sale.order"].search([("vmi_agreement_id", "=", agreement.id)])
        )
        triggers = self.cron_triggers()

        self.report_stock(agreement, {self.gloves: 4.0})

        self.assertTrue(agreement.evaluation_requested)
        self.assertEqual(
            self.Replenishment._count_due(fields.Datetime.now()), 1, "due at once"
        )
        new_trigger = self.cron_triggers() - triggers
        self.assertEqual(len(new_trigger), 1)
        self.assertLessEqual(
            new_trigger.call_at,
            fields.Datetime.now(),
            "the cron runs as soon as it can",
        )

        self.Replenishment._cron_evaluate()
        order = self.env["sale.order"].search([("vmi_agreement_id", "=", agreement.id)])
        self.assertEqual(
            order.order_line.product_uom_qty, 46.0, "evaluated on the reported 4"
        )
        self.assertFalse(agreement.evaluation_requested)
        self.assertEqual(
            agreement.date_next_evaluation, scheduled, "the regular review is not moved"
        )
        self.assertEqual(self.Replenishment._count_due(fields.Datetime.now()), 0)

    def test_rejected_report_asks_for_nothing(self):
        agreement = self.running_agreement(ownership="customer_owned")
        agreement.date_next_evaluation = fields.Datetime.now() + timedelta(days=1)
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "date_as_of": fields.Datetime.now() + timedelta(days=3),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.gloves.id,
                            "location_id": agreement.location_ids.id,
                            "quantity_on_hand": 4.0,
                        }
                    )
                ],
            }
        )
        report.action_process()
        self.assertEqual(report.state, "rejected", "dated in the future")
        self.assertFalse(agreement.evaluation_requested)

    # ------------------------------------------------------------------
    # Review days are the company's local days
    # ------------------------------------------------------------------

    def review_schedule(self, tz, **vals):
        self.env.company.partner_id.tz = tz
        return self.create_agreement(**vals)

    def test_weekdays_in_a_time_zone_east_of_utc(self):
        agreement = self.review_schedule(
            "Asia/Tokyo",
            replenishment_frequency="weekdays",
            review_tuesday=True,
            review_friday=True,
        )
        # Monday 23:00 in Tokyo: the next review day is Tuesday, which begins at 15:00
        # UTC on Monday
        self.assertEqual(
            agreement._next_evaluation_after(datetime(2026, 11, 23, 14, 0)),
            datetime(2026, 11, 23, 15, 0),
        )
        # already Tuesday 01:00 in Tokyo (still Monday in UTC): the next review day is
        # Friday
        self.assertEqual(
            agreement._next_evaluation_after(datetime(2026, 11, 23, 16, 0)),
            datetime(2026, 11, 26, 15, 0),
        )

    def test_weekdays_in_a_time_zone_west_of_utc(self):
        agreement = self.review_schedule(
            "America/New_York",
            replenishment_frequency="weekdays",
            review_tuesday=True,
            review_friday=True,
        )
        # Monday 22:00 in New York (Tuesday in UTC): the next review day is Tuesday,
        # from 05:00 UTC
        self.assertEqual(
            agreement._next_evaluation_after(datetime(2026, 11, 24, 3, 0)),
            datetime(2026, 11, 24, 5, 0),
        )
        # Friday 15:00 in New York: next Tuesday
        self.assertEqual(
            agreement._next_evaluation_after(datetime(2026, 11, 27, 20, 0)),
            datetime(2026, 12, 1, 5, 0),
        )

    def test_interval_across_the_end_of_daylight_saving_time(self):
        agreement = self.review_schedule("America/New_York", review_interval_days=1)
        # Saturday 31 October 08:00 EDT: Sunday 1 November begins at midnight EDT (04:00
        # UTC)
        self.assertEqual(
            agreement._next_evaluation_after(datetime(2026, 10, 31, 12, 0)),
            datetime(2026, 11, 1, 4, 0),
        )
        agreement.review_interval_days = 2
        # Monday 2 November begins at midnight EST (05:00 UTC)
        self.assertEqual(
            agreement._next_evaluation_after(datetime(2026, 10, 31, 12, 0)),
            datetime(2026, 11, 2, 5, 0),
        )

    @freeze_time("2026-11-23 16:00:00")
    def test_scheduler_plans_the_next_local_review_day(self):
        self.env.company.partner_id.tz = "Asia/Tokyo"
        agreement = self.running_agreement(
            replenishment_frequency="weekdays", review_tuesday=True, review_friday=True
        )
        self.Replenishment._cron_evaluate()  # Tuesday 01:00 in Tokyo
        self.assertEqual(len(self.transfers(agreement)), 1)
        self.assertEqual(
            agreement.date_next_evaluation,
            datetime(2026, 11, 26, 15, 0),
            "Friday, Tokyo midnight",
        )
