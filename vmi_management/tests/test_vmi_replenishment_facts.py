from datetime import datetime, timedelta
from statistics import pstdev

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools import company_tz, day_start, local_date
from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestReplenishmentFacts(VmiCommon):
    """What an evaluation takes as fact, checked against hand-computed figures: days
    with data, company-local days, what is on order and committed, whose stock it is,
    capacity, (s, Q) and lead times."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.add_stock(cls.gloves, cls.stock, 1000.0)

    def consignment(self, **line_vals):
        agreement = self.create_agreement()
        agreement.action_create_site_locations()
        site = agreement.location_ids[0]
        agreement.line_ids = [
            Command.create(self.line_vals(agreement, location_id=site.id, **line_vals))
        ]
        agreement.action_activate()
        return agreement, agreement.line_ids, site

    def customer_owned(self, **line_vals):
        agreement = self.create_agreement(ownership="customer_owned")
        agreement.action_create_site_locations()
        site = agreement.location_ids.filtered(
            lambda location: location.vmi_partner_id == self.customer_site_a
        )
        agreement.line_ids = [
            Command.create(self.line_vals(agreement, location_id=site.id, **line_vals))
        ]
        agreement.action_activate()
        return agreement, agreement.line_ids, site

    def move(self, source, destination, quantity, owner=None, confirm=True):
        move = self.env["stock.move"].create(
            {
                "name": "test move",
                "product_id": self.gloves.id,
                "product_uom_qty": quantity,
                "product_uom": self.gloves.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "restrict_partner_id": owner and owner.id,
            }
        )
        if confirm:
            move._action_confirm()
        return move

    def consume(self, site, quantity, when, **vals):
        """``quantity`` consumed from ``site`` at ``when`` (naive UTC), done."""
        move = self.move(site, self.customers, quantity)
        move._action_assign()
        move.quantity = quantity
        move.picked = True
        move._action_done()
        move.write({"date": when, **vals})
        move.move_line_ids.write({"date": when})
        return move

    def report(self, agreement, site, on_hand, consumed=0.0, as_of=None, period=None):
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "date_as_of": as_of or fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.gloves.id,
                            "location_id": site.id,
                            "quantity_on_hand": on_hand,
                            "quantity_consumed": consumed,
                            "date_period_start": period and period[0],
                            "date_period_end": period and period[1],
                        }
                    )
                ],
            }
        )
        report.action_process()
        self.assertEqual(report.state, "processed", report.line_ids.rejection_reason)
        return report

    def gather(self, line, now=None):
        return self.env["vmi.replenishment.data"]._gather(
            line, now or fields.Datetime.now()
        )[line]

    # ------------------------------------------------------------------
    # Days with data
    # ------------------------------------------------------------------

    def test_a_short_history_is_planned_on_its_own_days(self):
        """14 days reported at 6 a day: rate 6 (not 84 / 28 = 3), no padded zeros in σ,
        so no safety stock from them; trigger 6 × 3 = 18 > on hand 15: order up to
        6 × (3 + 7) = 60, i.e. 45."""
        agreement, line, site = self.customer_owned(
            policy="days_of_supply",
            target_days=7,
            lead_time_days=3,
            safety_stock_mode="service_level",
        )
        today = fields.Date.context_today(line)
        self.report(
            agreement,
            site,
            15.0,
            consumed=84.0,
            period=(today - timedelta(days=14), today - timedelta(days=1)),
        )
        self.evaluate(agreement)
        self.assertEqual(line.last_demand_rate, 6.0)
        self.assertEqual(
            line.last_safety_stock, 0.0, "a constant demand has no variability"
        )
        self.assertEqual(line.last_trigger_level, 18.0)
        self.assertEqual(line.last_order_qty, 45.0)
        self.assertEqual(line.last_decision["sources"]["history_days"], 14)
        self.assertIn("over 14 days of history", line.last_decision["steps"][1]["note"])

    def test_a_line_without_data_has_no_history(self):
        agreement, line, site = self.consignment()
        self.add_stock(self.gloves, site, 30.0)
        facts = self.gather(line)
        self.assertEqual(facts.demand, ())
        self.assertIsNone(facts.history_start)
        self.evaluate(agreement)
        self.assertEqual(line.last_decision["sources"]["history_days"], 0)

    def test_consigned_history_runs_from_the_first_consumption(self):
        """Consumed 20 five days ago and 10 yesterday, nothing in between: 5 days of
        data (real zeros), 6 a day."""
        __, line, site = self.consignment()
        self.add_stock(self.gloves, site, 100.0)
        tz = company_tz(self.env.company)
        today = local_date(fields.Datetime.now(), tz)
        for days_ago, quantity in ((5, 20.0), (1, 10.0)):
            self.consume(
                site,
                quantity,
                day_start(today - timedelta(days=days_ago), tz) + timedelta(hours=12),
            )
        facts = self.gather(line)
        self.assertEqual(facts.demand, (20.0, 0.0, 0.0, 0.0, 10.0))
        self.assertEqual(facts.history_start, today - timedelta(days=5))
        self.assertEqual(facts.daily[-5:], (20.0, 0.0, 0.0, 0.0, 10.0))
        self.assertIsNone(facts.daily[-6], "the day before the first data is unknown")

    def test_consumption_a_count_revealed_is_spread_over_its_period(self):
        """48 consumed from 18:00 three days ago to 18:00 yesterday (48 h): 6, 24 and 18
        on the three days."""
        __, line, site = self.consignment()
        self.add_stock(self.gloves, site, 100.0)
        tz = company_tz(self.env.company)
        today = local_date(fields.Datetime.now(), tz)
        start = day_start(today - timedelta(days=3), tz) + timedelta(hours=18)
        end = day_start(today - timedelta(days=1), tz) + timedelta(hours=18)
        self.consume(
            site,
            48.0,
            fields.Datetime.now(),
            vmi_consumption_start=start,
            vmi_consumption_end=end,
        )
        facts = self.gather(line)
        self.assertEqual(len(facts.demand), 3)
        for value, expected in zip(facts.demand, (6.0, 24.0, 18.0), strict=False):
            self.assertAlmostEqual(value, expected)

    def test_monthly_counts_give_a_steady_rate_not_a_spike(self):
        """Counted 100 at 18:00 31 days ago and 40 at 18:00 yesterday: 60 consumed over
        30 days, 2 a day (0.5 and 1.5 on the part-days at each end), no demand spike on
        the count day."""
        agreement, line, site = self.consignment()
        self.add_stock(self.gloves, site, 100.0)
        tz = company_tz(self.env.company)
        today = local_date(fields.Datetime.now(), tz)
        for days_ago, counted in ((31, 100.0), (1, 40.0)):
            self.report(
                agreement,
                site,
                counted,
                as_of=day_start(today - timedelta(days=days_ago), tz)
                + timedelta(hours=18),
            )
        facts = self.gather(line)
        self.assertEqual(
            facts.history_start, today - timedelta(days=31), "from the first count"
        )
        self.assertEqual(len(facts.demand), 31)
        self.assertAlmostEqual(sum(facts.demand), 60.0)
        self.assertAlmostEqual(facts.demand[0], 0.5)
        self.assertAlmostEqual(facts.demand[-1], 1.5)
        self.assertTrue(all(abs(value - 2.0) < 1e-9 for value in facts.demand[1:-1]))
        self.evaluate(agreement)
        self.assertFalse(
            self.env["vmi.exception"].search(
                [("line_id", "=", line.id), ("kind", "=", "demand_spike")]
            )
        )

    # ------------------------------------------------------------------
    # Company-local days
    # ------------------------------------------------------------------

    def check_days_in(self, tz_name, now, yesterday, today):
        """Consumption at ``yesterday`` and ``today`` (UTC moments on those local days):
        only the first counts."""
        self.env.company.partner_id.tz = tz_name
        agreement, line, site = self.consignment()
        self.add_stock(self.gloves, site, 100.0)
        self.consume(site, 7.0, yesterday)
        self.consume(site, 5.0, today)
        facts = self.gather(line, now)
        self.assertEqual(facts.demand, (7.0,))
        self.assertEqual(
            facts.history_start, local_date(yesterday, company_tz(self.env.company))
        )
        # the user's own time zone changes nothing, and "Evaluate now" runs through; one
        # day is enough history for a suggestion here
        self.env["ir.config_parameter"].set_param(
            "vmi_management.suggestion_min_days", 1
        )
        with freeze_time(now):
            self.env["vmi.replenishment"].with_context(
                tz="Pacific/Honolulu"
            )._evaluate_now(agreement)
            # suggestions and simulations read the same history, whatever the user's
            # time zone
            far_east = self.env["vmi.threshold.suggestion"].with_context(
                tz="Pacific/Kiritimati"
            )
            suggestion = far_east._suggest(line)
            replayed = far_east._replay(line)
        self.assertEqual(line.last_decision["sources"]["history_days"], 1)
        self.assertEqual(line.last_demand_rate, 7.0)
        self.assertEqual(suggestion.line_id, line)
        self.assertEqual(replayed[0][1].demand, (7.0,))

    def test_days_east_of_utc(self):
        """Tokyo (UTC+9), evaluated at 12:00 on 20 November: 19 Nov 05:00 is yesterday,
        20 Nov 01:00 today, though both are 19 November in UTC."""
        self.check_days_in(
            "Asia/Tokyo",
            datetime(2026, 11, 20, 3),
            datetime(2026, 11, 18, 20),
            datetime(2026, 11, 19, 16),
        )

    def test_days_west_of_utc(self):
        """New York (UTC−5), evaluated at 22:00 on 19 November: 18 Nov 21:00 is
        yesterday, though it is 19 November in UTC; 19 Nov 01:00 is today."""
        self.check_days_in(
            "America/New_York",
            datetime(2026, 11, 20, 3),
            datetime(2026, 11, 19, 2),
            datetime(2026, 11, 19, 6),
        )

    # ------------------------------------------------------------------
    # On order, committed, owners
    # ------------------------------------------------------------------

    def test_an_ordinary_sale_order_to_the_site_is_on_order_and_then_delivered(self):
        """A sale order made by hand, shipped to site A's address: 20 on order; once
        delivered after the customer's last report, still 20 the report cannot show
        yet."""
        agreement, line, site = self.customer_owned()
        self.report(agreement, site, 5.0)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "partner_shipping_id": self.customer_site_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.gloves.id, "product_uom_qty": 20.0}
                    )
                ],
            }
        )
        self.assertEqual(
            self.gather(line).on_order, 0.0, "a quotation is no commitment"
        )
        order.action_confirm()
        self.assertEqual(self.gather(line).on_order, 20.0)
        picking = order.picking_ids
        picking.move_ids.quantity = 20.0
        picking.move_ids.picked = True
        picking._action_done()
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            self.gather(line).on_order,
            20.0,
            "delivered after the report: not in it yet",
        )
        self.evaluate(agreement)
        self.assertEqual(line.last_position, 25.0)
        self.assertEqual(line.last_order_qty, 0.0, "25 ≥ min 10: nothing ordered twice")

    def test_a_typed_transfer_counts_once_confirmed(self):
        __, line, site = self.consignment()
        move = self.move(self.stock, site, 30.0, confirm=False)
        self.assertEqual(
            self.gather(line).on_order, 0.0, "a draft transfer is no commitment"
        )
        move._action_confirm()
        self.assertEqual(self.gather(line).on_order, 30.0)

    def test_on_order_and_committed_count_the_agreed_owner_only(self):
        """At a consignment site of ours, stock another vendor consigns there is not
        ours to count."""
        __, line, site = self.consignment()
        self.add_stock(self.gloves, site, 40.0)
        self.add_stock(self.gloves, site, 25.0, owner=self.vendor)
        self.move(self.stock, site, 30.0)
        self.move(self.stock, site, 12.0, owner=self.vendor)
        self.move(site, self.customers, 8.0)
        self.move(site, self.customers, 6.0, owner=self.vendor)
        facts = self.gather(line)
        self.assertEqual(
            (facts.on_hand, facts.on_order, facts.committed), (40.0, 30.0, 8.0)
        )

    def test_capacity_holds_committed_stock_still_on_the_shelf(self):
        """On hand 90, of which 50 committed, capacity 100: position 40 < min 50, but
        only 10 fit."""
        agreement, line, site = self.consignment(
            min_qty=50.0, max_qty=100.0, capacity=100.0
        )
        self.add_stock(self.gloves, site, 90.0)
        self.move(site, self.customers, 50.0)
        self.evaluate(agreement)
        self.assertEqual((line.last_position, line.last_order_qty), (40.0, 10.0))
        exception = self.env["vmi.exception"].search(
            [("line_id", "=", line.id), ("kind", "=", "capacity_capped")]
        )
        self.assertEqual(len(exception), 1)
        self.assertIn("capped by capacity 100 to 10", exception.message)

    def test_reorder_point_after_a_delivery_is_not_overstock(self):
        """s 20, Q 30: on hand 45 after a normal delivery is below s + Q = 50: OK, no
        overstock."""
        agreement, line, site = self.consignment(
            policy="reorder_point", reorder_point=20.0, order_qty=30.0
        )
        self.add_stock(self.gloves, site, 45.0)
        self.evaluate(agreement)
        self.assertEqual(
            (line.last_trigger_level, line.last_target_level, line.last_status),
            (20.0, 50.0, "ok"),
        )
        self.assertFalse(
            self.env["vmi.exception"].search(
                [("line_id", "=", line.id), ("kind", "=", "overstock")]
            )
        )

    # ------------------------------------------------------------------
    # Lead times, one product per site
    # ------------------------------------------------------------------

    def test_lead_time_variability_per_transfer_from_its_confirmation(self):
        """Three transfers confirmed a week after being proposed, received 1, 2 and 3
        days after confirmation: σLT = pstdev(1, 2, 3) = 0.816, whatever the days
        waiting for review or the moves per transfer."""
        agreement, line, site = self.consignment()
        now = fields.Datetime.now()
        for index, days in enumerate((1, 2, 3)):
            proposed = now - timedelta(days=40 - 10 * index)
            with freeze_time(proposed):
                picking = self.env["stock.picking"].create(
                    {
                        "picking_type_id": self.warehouse.int_type_id.id,
                        "location_id": self.stock.id,
                        "location_dest_id": site.id,
                        "move_ids": [
                            Command.create(
                                {
                                    "name": "gloves",
                                    "product_id": self.gloves.id,
                                    "product_uom_qty": 5.0,
                                    "location_id": self.stock.id,
                                    "location_dest_id": site.id,
                                }
                            )
                            for __ in range(2)
                        ],
                    }
                )
            with freeze_time(proposed + timedelta(days=7)):
                picking.action_confirm()
            with freeze_time(proposed + timedelta(days=7 + days)):
                picking.move_ids.quantity = 5.0
                picking.move_ids.picked = True
                picking._action_done()
            self.assertEqual(picking.state, "done")
        self.assertAlmostEqual(self.gather(line).lead_time_std_days, pstdev([1, 2, 3]))

    def test_a_product_is_managed_at_a_site_by_one_open_agreement(self):
        first, __, site = self.consignment()
        second = self.create_agreement()
        second.action_create_site_locations()
        self.assertIn(
            site, second.location_ids, "the customer's site location is shared"
        )
        with self.assertRaisesRegex(
            ValidationError, f"already managed by agreement {first.name}"
        ):
            second.line_ids = [
                Command.create(self.line_vals(second, location_id=site.id))
            ]
        second.line_ids = [
            Command.create(
                self.line_vals(second, location_id=site.id, product_id=self.masks.id)
            )
        ]
        first.with_user(self.vmi_manager).action_terminate()
        second.line_ids = [Command.create(self.line_vals(second, location_id=site.id))]
        self.assertEqual(
            len(second.line_ids), 2, "once the first agreement is terminated"
        )
