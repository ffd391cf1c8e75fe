from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestProjectedStock(VmiIntakeCommon, HttpCase):
    """A line's stock projected day by day: today's stock, the open deliveries on their
    day, the open proposal on its planned day, the forecast demand, against the policy's
    min and max.

    The chair at the north site: 20 on hand reported, 60 consumed over the last 30 days
    (2 a day, a moving average), a min of 5 and a lead time of 10 days: 11 days
    projected (lead time + a daily review)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids.filtered(
            lambda line: line.product_id == cls.chair and line.location_id == cls.north
        )
        cls.line.write({"lead_time_days": 10.0, "forecast_method": "moving_average"})
        today = fields.Date.context_today(cls.line)
        cls.env["vmi.stock.report"].create(
            {
                "agreement_id": cls.agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.chair.id,
                            "location_id": cls.north.id,
                            "quantity_on_hand": 20.0,
                            "quantity_consumed": 60.0,
                            "date_period_start": today - timedelta(days=30),
                            "date_period_end": today - timedelta(days=1),
                        }
                    )
                ],
            }
        ).action_process()
        cls.today = today

    def deliver(self, quantity, days):
        """A confirmed delivery of chairs to the north site, due in ``days`` days."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.north.id,
                "partner_id": self.customer_site_a.id,
                "scheduled_date": fields.Datetime.now() + timedelta(days=days),
                "move_ids": [
                    Command.create(
                        {
                            "name": self.chair.name,
                            "product_id": self.chair.id,
                            "product_uom_qty": quantity,
                            "location_id": self.warehouse.lot_stock_id.id,
                            "location_dest_id": self.north.id,
                            "date": fields.Datetime.now() + timedelta(days=days),
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking

    def test_projection_runs_down_with_demand_and_flags_min_and_stockout(self):
        projection = self.line._get_projected_stock()[self.line]
        rows = projection.rows
        self.assertEqual(len(rows), 11, "10 days of lead time and a day's review")
        self.assertEqual(rows[0].day, self.today)
        self.assertEqual(
            (rows[0].start, rows[0].demand, rows[0].incoming, rows[0].end),
            (20.0, 2.0, 0.0, 18.0),
        )
        self.assertEqual(
            [row.end for row in rows], [18, 16, 14, 12, 10, 8, 6, 4, 2, 0, 0]
        )
        self.assertEqual({(row.min, row.max) for row in rows}, {(5.0, 40.0)})
        self.assertEqual(projection.first_below_min, self.today + timedelta(days=7))
        self.assertEqual(projection.first_stockout, self.today + timedelta(days=9))

    def test_open_delivery_arrives_on_its_day(self):
        picking = self.deliver(10.0, days=3)
        rows = self.line._get_projected_stock()[self.line].rows
        self.assertEqual(rows[3].incoming, 10.0)
        self.assertIn(picking.name, rows[3].events)
        self.assertEqual(
            sum(row.incoming for row in rows), 10.0, "counted once, on its day"
        )
        self.assertEqual(rows[3].end, 22.0)

    def test_open_proposal_arrives_on_its_planned_day(self):
        proposal = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "vmi_agreement_id": self.agreement.id,
                "vmi_location_id": self.north.id,
                "commitment_date": fields.Datetime.now() + timedelta(days=5),
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.chair.id,
                            "product_uom_qty": 30.0,
                            "vmi_line_id": self.line.id,
                        }
                    )
                ],
            }
        )
        rows = self.line._get_projected_stock()[self.line].rows
        self.assertEqual(rows[5].incoming, 30.0)
        self.assertIn(proposal.name, rows[5].events)

    def test_demand_event_moves_its_days(self):
        self.env["vmi.demand.event"].create(
            {
                "agreement_id": self.agreement.id,
                "name": "Open day",
                "product_id": self.chair.id,
                "location_id": self.north.id,
                "date_start": self.today + timedelta(days=2),
                "date_end": self.today + timedelta(days=2),
                "uplift_type": "factor",
                "uplift_factor": 3.0,
            }
        )
        rows = self.line._get_projected_stock()[self.line].rows
        self.assertEqual(rows[2].demand, 6.0)
        self.assertEqual(rows[2].events, "Open day")

    def test_line_without_stock_level_cannot_be_projected(self):
        south = self.agreement.line_ids.filtered(
            lambda line: line.product_id == self.chair
            and line.location_id == self.south
        )
        self.assertIsNone(south._get_projected_stock()[south])
        with self.assertRaisesRegex(UserError, "No stock level"):
            south.with_user(self.vmi_user).action_open_projected_stock()

    def test_back_office_list_and_chart(self):
        action = self.line.with_user(self.vmi_user).action_open_projected_stock()
        self.assertIn("out of stock on", action["name"])
        Rows = self.env["vmi.projected.stock"].with_user(self.vmi_user)
        days = Rows.search(action["domain"])
        self.assertEqual(len(days), 11)
        self.assertEqual(
            days.mapped("quantity"), [18, 16, 14, 12, 10, 8, 6, 4, 2, 0, 0]
        )
        self.assertEqual(
            days.filtered("alert").mapped("alert"), ["below_min"] * 2 + ["stockout"] * 2
        )
        chart = Rows.with_context(**action["context"]).action_open_chart()
        points = Rows.search(chart["domain"])
        self.assertEqual(sorted(set(points.mapped("series"))), ["max", "min", "stock"])
        self.assertEqual(
            len(points),
            33,
            "a point per day and series: the chart draws stock, min and max",
        )
        # opening it again replaces the projection, never piles one on the other
        self.line.with_user(self.vmi_user).action_open_projected_stock()
        self.assertEqual(Rows.search_count(chart["domain"]), 33)
        arch = self.env["vmi.projected.stock"].get_views([(False, "graph")])["views"][
            "graph"
        ]["arch"]
        self.assertIn('name="series"', arch)

    def test_portal_line_page_draws_the_projection(self):
        buyer = self.portal_user(self.customer, "projection_buyer")
        self.authenticate(buyer.login, f"{buyer.login}-secret")
        page = self.url_open(f"/my/vmi/{self.agreement.id}/lines/{self.line.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_vmi_projection_chart", page.text)
        self.assertIn("Out of stock from", page.text)
        self.assertNotIn(
            'vmi_projection_chart.js"',
            page.text,
            "in the asset bundle, not a raw script tag",
        )
        bundle = [
            path
            for path, *__ in self.env["ir.asset"]._get_asset_paths(
                "web.assets_frontend", {}
            )
        ]
        self.assertIn("/vmi_management/static/src/js/vmi_projection_chart.js", bundle)

    def test_portal_chart_is_drawn_in_the_browser(self):
        contact = self.env["res.partner"].create(
            {"name": "Projection viewer", "parent_id": self.customer.id}
        )
        new_test_user(
            self.env,
            "projection_viewer",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        self.browser_js(
            f"/my/vmi/{self.agreement.id}/lines/{self.line.id}",
            """const canvas = document.querySelector("canvas.o_vmi_projection_chart");
               const check = (tries) => {
                   const chart = window.Chart && window.Chart.getChart(canvas);
                   if (chart && chart.data.datasets[0].data.length === 11) {
                       console.log("test successful");
                   } else if (tries) {
                       setTimeout(() => check(tries - 1), 100);
                   } else {
                       console.error("the projected stock chart was not drawn");
                   }
               };
               check(100);""",
            login="projection_viewer",
        )

    def test_back_office_opens_the_list_then_the_chart(self):
        """From the line's form: the day rows, then their chart, in the web client."""
        self.vmi_user.password = "vmi_user"
        self.browser_js(
            f"/odoo/vmi.agreement.line/{self.line.id}",
            """
            const until = (selector, tries = 100) => new Promise((resolve, reject) => {
                const look = (left) => {
                    const found = document.querySelector(selector);
                    if (found) {
                        resolve(found);
                    } else if (left) {
                        setTimeout(() => look(left - 1), 100);
                    } else {
                        reject(new Error(`${selector} never appeared`));
                    }
                };
                look(tries);
            });
            (async () => {
                (await until("button[name='action_open_projected_stock']")).click();
                await until(".o_list_view .o_data_row");
                const rows = document.querySelectorAll(".o_list_view .o_data_row");
                if (rows.length !== 11) {
                    throw new Error(`${rows.length} day rows`);
                }
                (await until("button[name='action_open_chart']")).click();
                await until(".o_graph_view canvas");
                console.log("test successful");
            })().catch((error) => console.error(error.message));
            """,
            login="vmi_user",
        )
