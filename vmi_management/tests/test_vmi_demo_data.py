from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

# The demo's portal users: (login, password, the agreement each follows)
PORTAL_USERS = (
    ("clinic@vmi-demo.example", "clinic", "agreement_northwind_demo"),
    ("hardware@vmi-demo.example", "hardware", "agreement_bluebird_demo"),
    ("packaging@vmi-demo.example", "packaging", "agreement_delta_demo"),
)
STORY_DAYS = 120


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo tells a story: agreements in several states, 120 days of history
    behind the running ones, and what a planner and each partner find at first login.
    """

    def setUp(self):
        super().setUp()
        if not self.env.ref(
            "vmi_management.agreement_northwind_demo", raise_if_not_found=False
        ):
            self.skipTest("demo data not loaded")
        self.northwind = self.env.ref("vmi_management.agreement_northwind_demo")
        self.bluebird = self.env.ref("vmi_management.agreement_bluebird_demo")
        self.delta = self.env.ref("vmi_management.agreement_delta_demo")
        self.story_lines = (self.northwind | self.bluebird | self.delta).line_ids
        self.Level = self.env["vmi.stock.level"]
        # the day of the install's evaluation, whenever the tests run
        self.story_end = self.Level.search(
            [("line_id", "in", self.story_lines.ids)], order="date desc", limit=1
        ).date

    def ref(self, xmlid):
        return self.env.ref(f"vmi_management.{xmlid}")

    def levels(self, xmlid):
        return self.Level.search([("line_id", "=", self.ref(xmlid).id)], order="date")

    def test_demo_agreements_cover_the_lifecycle_and_roles(self):
        agreements = self.env["vmi.agreement"].search(
            [
                (
                    "partner_id.name",
                    "in",
                    (
                        "Northwind Clinics",
                        "Bluebird Hardware",
                        "Cedar Foods",
                        "Delta Packaging",
                    ),
                )
            ]
        )
        self.assertEqual(
            set(agreements.mapped("state")), {"draft", "pilot", "active", "suspended"}
        )
        self.assertEqual(set(agreements.mapped("role")), {"vendor", "customer"})
        self.assertEqual(
            set(agreements.mapped("ownership")), {"consignment", "customer_owned"}
        )
        self.assertGreaterEqual(len(agreements.line_ids.product_id), 12)
        self.assertTrue(
            agreements.filtered(
                lambda agreement: agreement.state == "pilot"
            ).line_ids.filtered("in_pilot_scope")
        )
        running = agreements.filtered(lambda agreement: agreement.state == "active")
        self.assertEqual(
            {(agreement.role, agreement.ownership) for agreement in running},
            {
                ("vendor", "consignment"),
                ("vendor", "customer_owned"),
                ("customer", "consignment"),
            },
        )

    def test_demo_consigned_stock_is_read_by_owner(self):
        """Stock in our books is what the evaluation saw; Delta's film is Delta's."""
        stock = (self.northwind | self.delta)._read_site_stock()
        for line in (self.northwind | self.delta).line_ids:
            today = self.Level.search(
                [("line_id", "=", line.id), ("date", "=", self.story_end)]
            )
            self.assertEqual(
                stock.get(
                    (line.agreement_id.id, line.product_id.id, line.location_id.id), 0.0
                ),
                today.on_hand,
                line.display_name,
            )
        film = self.env["stock.quant"].search(
            [("location_id", "=", self.delta.location_ids.id)]
        )
        self.assertEqual(film.owner_id, self.ref("partner_delta_demo"))

    def test_demo_stock_report_was_validated(self):
        report = self.ref("stock_report_bluebird_demo")
        self.assertEqual(report.state, "partially_rejected")
        self.assertEqual(report.rejected_line_count, 1)
        self.assertFalse(report.agreement_id.is_data_stale)
        self.assertFalse(
            self.northwind.is_data_stale, "the clinic's count of last night is applied"
        )

    def test_demo_portal_users_log_in_and_read_their_agreement(self):
        for login, password, agreement_xmlid in PORTAL_USERS:
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertTrue(user._is_portal(), login)
            user.with_user(user)._check_credentials(
                {"type": "password", "password": password}, {"interactive": False}
            )
            agreement = self.ref(agreement_xmlid)
            visible = self.env["vmi.agreement"].with_user(user).search([])
            self.assertIn(agreement, visible, login)
            self.assertEqual(
                visible.commercial_partner_id, agreement.commercial_partner_id, login
            )
            self.assertTrue(agreement.with_user(user).line_ids, login)

    def test_demo_agreements_have_a_real_responsible_who_follows_them(self):
        odoobot = self.env.ref("base.user_root")
        for agreement in self.env["vmi.agreement"].search([("name", "like", "VMI/")]):
            self.assertTrue(agreement.user_id, agreement.name)
            self.assertNotEqual(agreement.user_id, odoobot, agreement.name)
            self.assertIn(
                agreement.user_id.partner_id,
                agreement.message_partner_ids,
                agreement.name,
            )

    def test_demo_partners_are_in_the_customer_and_vendor_lists(self):
        for xmlid in (
            "partner_northwind_demo",
            "partner_bluebird_demo",
            "partner_cedar_demo",
        ):
            self.assertGreater(self.ref(xmlid).customer_rank, 0, xmlid)
        self.assertGreater(self.ref("partner_delta_demo").supplier_rank, 0)

    def test_demo_warehouse_can_deliver_the_proposals(self):
        warehouse_stock = (
            self.env["stock.warehouse"]
            .browse(self.northwind.warehouse_id.id)
            .lot_stock_id
        )
        for product in (self.northwind | self.bluebird).line_ids.product_id:
            self.assertGreater(
                product.with_context(location=warehouse_stock.id).qty_available,
                0,
                product.display_name,
            )
        transfers = self.env["stock.picking"].search(
            [("vmi_agreement_id", "=", self.northwind.id)]
        )
        self.assertTrue(transfers)
        self.assertEqual(
            set(transfers.mapped("state")),
            {"assigned"},
            "the transfer is reserved in full",
        )

    def test_demo_history_covers_120_days_of_every_running_line(self):
        first = self.story_end - timedelta(days=STORY_DAYS)
        for line in self.story_lines:
            dates = self.Level.search([("line_id", "=", line.id)]).mapped("date")
            self.assertEqual(
                sorted(dates),
                [first + timedelta(days=offset) for offset in range(STORY_DAYS + 1)],
                line.display_name,
            )
        # the evaluation plans on it: every day of its window is known, for every line
        facts = self.env["vmi.replenishment.data"]._gather(
            self.story_lines, fields.Datetime.now()
        )
        window = self.env["vmi.replenishment.data"]._history_days()
        for line in self.story_lines:
            self.assertEqual(len(facts[line].demand), window, line.display_name)
            self.assertNotIn(None, facts[line].demand, line.display_name)

    def test_demo_portal_charts_draw_lines_with_deliveries(self):
        for line in self.story_lines:
            chart = self.Level._chart_data(line)
            self.assertNotIn(None, chart["on_hand"], line.display_name)
            self.assertGreater(len(set(chart["on_hand"])), 10, line.display_name)
            self.assertTrue(any(chart["received"]), line.display_name)

    def test_demo_demand_patterns_make_forecasts_differ(self):
        facts = self.env["vmi.replenishment.data"]._gather(
            self.story_lines, fields.Datetime.now()
        )

        def daily(xmlid):
            return facts[self.ref(xmlid)].demand

        # a trend: the clinic's glove use grows
        gloves = daily("line_northwind_gloves_main_demo")
        self.assertGreater(sum(gloves[-28:]), 1.3 * sum(gloves[:28]))
        # a weekly pattern: masks are used on weekdays, hardly at the weekend
        window_end = self.story_end - timedelta(days=1)
        masks = daily("line_northwind_masks_main_demo")
        by_weekday = defaultdict(list)
        for offset, quantity in enumerate(reversed(masks)):
            by_weekday[(window_end - timedelta(days=offset)).weekday()].append(quantity)
        weekday = sum(sum(by_weekday[day]) for day in range(5)) / sum(
            len(by_weekday[day]) for day in range(5)
        )
        weekend = sum(by_weekday[5] + by_weekday[6]) / len(
            by_weekday[5] + by_weekday[6]
        )
        self.assertGreater(weekday, 3 * weekend)
        # intermittent: syringes go on a few days only
        syringes = daily("line_northwind_syringes_main_demo")
        self.assertGreater(syringes.count(0.0), len(syringes) / 3)
        # so the forecast method chosen differs from line to line
        methods = {
            step["note"].split(" (")[0]
            for line in self.story_lines
            for step in line.last_decision["steps"]
            if step["name"] == "demand rate"
        }
        self.assertGreaterEqual(len(methods), 3, methods)

    def test_demo_has_one_stockout_and_one_promotion(self):
        ties = self.levels("line_bluebird_ties_demo")
        longest = run = 0
        for level in ties:
            run = run + 1 if level.on_hand <= 0 else 0
            longest = max(longest, run)
        self.assertGreaterEqual(longest, 5, "the cable ties ran out for days")
        self.assertGreater(self.bluebird.kpi_stockout_days, 0)
        promotion = self.env["vmi.demand.event"].search(
            [("agreement_id", "=", self.bluebird.id)]
        )
        self.assertEqual(len(promotion), 1)
        self.assertTrue(promotion.date_start < self.story_end <= promotion.date_end)
        self.assertGreater(promotion.uplift_factor, 1.0)
        screws = self.ref("line_bluebird_screws_demo")
        # the rate of the day itself may be nothing (a shop closed on Sundays): the
        # promotion shows in the demand over the lead time
        steps = {step["name"]: step for step in screws.last_decision["steps"]}
        self.assertIn(
            f"including {promotion.name} +",
            steps["lead-time demand"]["note"],
            "the promotion lifts the forecast",
        )

    def test_demo_evaluation_leaves_work_for_the_planner(self):
        exceptions = self.env["vmi.exception"].search([("state", "=", "open")])
        self.assertGreaterEqual(
            len(set(exceptions.mapped("kind"))), 3, exceptions.mapped("kind")
        )
        self.assertTrue(
            exceptions.filtered(lambda exception: exception.line_id),
            "line exceptions too",
        )
        waiting = self.bluebird._waiting_proposals()
        self.assertEqual(
            len(waiting), 1, "a proposal waits for the customer's confirmation"
        )
        self.assertEqual(waiting[0].state, "draft")
        portal_user = self.env["res.users"].search([("login", "=", PORTAL_USERS[1][0])])
        self.assertTrue(waiting[0].with_user(portal_user).has_access("read"))

    def test_demo_consumption_of_a_past_period_is_billed(self):
        billing = self.northwind.billing_order_ids
        self.assertEqual(len(billing), 1)
        self.assertEqual(billing.state, "sale")
        self.assertEqual(billing.invoice_ids.mapped("state"), ["posted"])
        # billed up to the start of the install's week: nothing before is unbilled
        self.assertLessEqual(self.northwind.date_last_billing.date(), self.story_end)
        self.assertFalse(
            self.northwind._unbilled_consumption(self.northwind.date_last_billing)
        )
        self.assertEqual(
            billing.order_line.product_id, self.northwind.line_ids.product_id
        )

    def test_demo_kpi_graphs_have_weeks_behind_them(self):
        weeks = self.env["vmi.kpi.snapshot"].search(
            [("agreement_id", "=", self.bluebird.id), ("period", "=", "week")]
        )
        self.assertGreaterEqual(len(weeks), 12)
        self.assertTrue(
            weeks.filtered(
                lambda week: week.fill_rate is not None
                and week.fill_rate < week.target_fill_rate
            ),
            "the stockout shows on the fill rate against its target",
        )
