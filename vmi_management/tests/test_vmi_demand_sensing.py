import re
from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestDemandSensing(VmiIntakeCommon, HttpCase):
    """Forecast method per line, the customer's forecast, events, censored days and
    forecast accuracy, on a customer-owned agreement whose consumption arrives in daily
    stock reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.line = cls.agreement.line_ids.filtered(
            lambda line: line.product_id == cls.chair and line.location_id == cls.north
        )
        cls.line.write(
            {"policy": "days_of_supply", "target_days": 10.0, "lead_time_days": 5.0}
        )
        cls.buyer = cls.portal_user(cls.customer, "event_buyer")

    def report_days(self, series, on_hand=1000.0, forecast=None):
        """A stock report of the chair at North for each day of ``series`` (the last one
        yesterday), each giving that day's consumption; ``forecast``:
        ``(quantity, first day, last day)`` on the last one."""
        Report = self.env["vmi.stock.report"]
        for offset, consumed in enumerate(series):
            day = self.today - timedelta(days=len(series) - offset)
            vals = {
                "product_id": self.chair.id,
                "location_id": self.north.id,
                "quantity_on_hand": on_hand,
                "quantity_consumed": consumed,
                "date_period_start": day,
                "date_period_end": day,
            }
            if forecast and offset == len(series) - 1:
                vals.update(
                    quantity_forecast=forecast[0],
                    date_forecast_start=forecast[1],
                    date_forecast_end=forecast[2],
                )
            Report.create(
                {
                    "agreement_id": self.agreement.id,
                    "date_as_of": datetime.combine(day, time(22, 0)),
                    "line_ids": [Command.create(vals)],
                }
            ).action_process()

    def record_levels(self, days, **values):
        """Stock levels of the chair at North on the last ``days`` days, as past
        evaluations recorded them."""
        self.env["vmi.stock.level"].create(
            [
                {
                    "line_id": self.line.id,
                    "agreement_id": self.agreement.id,
                    "product_id": self.chair.id,
                    "location_id": self.north.id,
                    "date": self.today - timedelta(days=offset),
                    **values,
                }
                for offset in range(1, days + 1)
            ]
        )

    def step(self, name):
        return next(
            step for step in self.line.last_decision["steps"] if step["name"] == name
        )

    def evaluate_line(self):
        self.evaluate(self.agreement)
        return self.line

    # ------------------------------------------------------------------

    def test_method_on_the_line_drives_the_proposal(self):
        self.report_days(
            [float(day) for day in range(1, 61)], on_hand=100.0
        )  # rising by one a day, 60 yesterday
        self.line.forecast_method = "moving_average"
        self.evaluate_line()
        self.assertAlmostEqual(self.line.last_demand_rate, sum(range(33, 61)) / 28)
        averaged = self.line.last_order_qty
        self.line.forecast_method = "holt"
        self.evaluate_line()
        self.assertIn("holt", self.step("demand rate")["note"])
        self.assertGreater(self.line.last_demand_rate, 59)
        self.assertIn(
            "sum of the daily forecast over 5 days",
            self.step("lead-time demand")["note"],
        )
        self.assertGreater(
            self.line.last_order_qty,
            averaged + 100,
            "a trend is planned over the horizon",
        )
        order_line = self.agreement.sale_order_ids.order_line.filtered(
            lambda line: line.product_id == self.chair
        )
        self.assertEqual(
            order_line.product_uom_qty,
            self.line.last_order_qty,
            "the proposal follows the method",
        )
        self.line.forecast_method = False
        self.assertEqual(
            self.line.effective_forecast_method, "auto", "the agreement's default"
        )

    def test_customer_forecast_and_blend(self):
        # 10 a day so far; the customer expects 140 over the next week (20 a day)
        self.report_days(
            [10.0] * 45, forecast=(140.0, self.today, self.today + timedelta(days=6))
        )
        self.line.forecast_method = "customer"
        self.evaluate_line()
        self.assertAlmostEqual(self.step("lead-time demand")["value"], 100.0)
        self.assertEqual(self.line.last_customer_rate, 20.0)
        self.assertEqual(self.line.last_baseline_rate, 10.0)
        self.assertIn(
            "customer forecast (7 days shared)", self.step("demand rate")["note"]
        )
        self.line.forecast_method = "blend"
        self.agreement.forecast_blend_weight = 50.0
        self.evaluate_line()
        self.assertAlmostEqual(self.step("lead-time demand")["value"], 75.0)
        self.line.forecast_method = "auto"
        self.evaluate_line()
        self.assertAlmostEqual(
            self.step("lead-time demand")["value"], 50.0, msg="statistical only"
        )

    def test_a_forecast_only_line_is_no_consumption(self):
        self.report_days([10.0] * 30)
        report, __ = self.receive(
            b"product,location,forecast,forecast_start,forecast_end\nFURN-0001,SITE-NORTH,70,%s,%s\n"
            % (str(self.today).encode(), str(self.today + timedelta(days=6)).encode()),
            filename="forecast.csv",
        )
        self.assertEqual(report.line_ids.mapped("forecast_only"), [True])
        self.line.forecast_method = "customer"
        self.evaluate_line()
        self.assertEqual(self.line.last_customer_rate, 10.0)
        self.assertEqual(
            self.line.last_decision["sources"]["history_days"],
            30,
            "no zero day was added",
        )

    def test_an_event_entered_in_the_portal_is_planned_once(self):
        self.report_days([10.0] * 30)
        self.line.forecast_method = "moving_average"
        self.authenticate(self.buyer.login, f"{self.buyer.login}-secret")
        path = f"/my/vmi/{self.agreement.id}/events"
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            path,
            allow_redirects=False,
            data={
                "csrf_token": token,
                "name": "Back to school",
                "product_id": str(self.chair.id),
                "location_id": str(self.north.id),
                "date_start": str(self.today + timedelta(days=1)),
                "date_end": str(self.today + timedelta(days=3)),
                "uplift_type": "quantity",
                "uplift": "60",
            },
        )
        self.assertEqual(answer.status_code, 303)
        event = self.agreement.demand_event_ids
        self.assertEqual(
            (event.name, event.source, event.uplift_qty),
            ("Back to school", "customer", 60.0),
        )
        self.assertIn("Back to school", self.url_open(path).text)
        self.evaluate_line()
        self.assertAlmostEqual(self.step("lead-time demand")["value"], 50.0 + 60.0)
        self.assertIn("Back to school +60", self.step("lead-time demand")["note"])
        self.assertAlmostEqual(
            self.step("horizon demand")["value"], 150.0 + 60.0, msg="counted once"
        )
        # a bad entry answers what to fix, and nothing is created
        bad = self.url_open(
            path,
            data={
                "csrf_token": token,
                "name": "Sale",
                "date_start": "soon",
                "date_end": "",
                "uplift_type": "factor",
                "uplift": "2",
            },
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn("as dates (YYYY-MM-DD)", bad.text)
        backwards = self.url_open(
            path,
            data={
                "csrf_token": token,
                "name": "Sale",
                "date_start": "2027-03-10",
                "date_end": "2027-03-01",
                "uplift_type": "factor",
                "uplift": "2",
            },
        )
        self.assertEqual(backwards.status_code, 400)
        self.assertIn("before it starts", backwards.text)
        self.assertEqual(len(self.agreement.demand_event_ids), 1, "nothing was created")
        other_agreement = self.intake_agreement(
            self.other_customer, "customer_owned", barcodes=("O-N", "O-S")
        )
        self.assertEqual(
            self.url_open(f"/my/vmi/{other_agreement.id}/events").status_code, 404
        )

    def test_past_event_days_leave_the_baseline(self):
        self.report_days([10.0] * 40 + [30.0] * 5)
        self.line.forecast_method = "moving_average"
        self.env["vmi.demand.event"].create(
            {
                "agreement_id": self.agreement.id,
                "name": "Promotion",
                "product_id": self.chair.id,
                "date_start": self.today - timedelta(days=5),
                "date_end": self.today - timedelta(days=1),
                "uplift_type": "factor",
                "uplift_factor": 3.0,
            }
        )
        self.evaluate_line()
        self.assertAlmostEqual(self.line.last_demand_rate, 10.0)
        self.assertIn("5 days left out", self.step("demand rate")["note"])

    def test_a_stockout_does_not_lower_the_next_threshold_suggestion(self):
        self.line.write({"policy": "min_max", "min_qty": 10.0, "max_qty": 50.0})
        self.report_days([10.0] * 50 + [0.0] * 10)
        Suggestion = self.env["vmi.threshold.suggestion"]
        lowered = Suggestion._suggest(self.line)
        lowered_rate, lowered_min = lowered.reasoning["demand_rate"], lowered.min_qty
        self.assertLess(
            lowered_rate, 9.0, "read as zero demand, the stockout lowers the rate"
        )
        self.record_levels(10, on_hand=0.0)
        corrected = Suggestion._suggest(self.line)
        self.assertAlmostEqual(corrected.reasoning["demand_rate"], 10.0)
        self.assertGreater(corrected.min_qty, lowered_min)

    def test_a_planner_marks_an_outlier(self):
        self.report_days([10.0] * 44 + [400.0])
        self.line.forecast_method = "moving_average"
        self.evaluate_line()
        self.assertGreater(self.line.last_demand_rate, 20)
        spike = self.env["vmi.stock.level"].create(
            {
                "line_id": self.line.id,
                "agreement_id": self.agreement.id,
                "product_id": self.chair.id,
                "location_id": self.north.id,
                "date": self.today - timedelta(days=1),
                "on_hand": 500.0,
            }
        )
        spike.with_user(self.vmi_user).action_mark_outlier()
        self.evaluate_line()
        self.assertAlmostEqual(self.line.last_demand_rate, 10.0)

    def test_accuracy_figures_equal_hand_computed_values(self):
        # demand 8, 12, 8, 12 …; each of the last 20 days was planned on 13 a day, the
        # customer said 10
        self.report_days([8.0, 12.0] * 15)
        self.record_levels(
            20, on_hand=100.0, demand_rate=13.0, baseline_rate=13.0, customer_rate=10.0
        )
        self.evaluate_line()
        # Σ|a − f| = 10 × 5 + 10 × 1 = 60 over Σa = 200: WAPE 30 %;
        # bias (260 − 200) / 200 = 30 %
        self.assertAlmostEqual(self.line.forecast_wape, 30.0)
        self.assertAlmostEqual(self.line.forecast_bias, 30.0)
        # MAE 3 ÷ the naive forecast's 4 (the demand moves by 4 every day)
        self.assertAlmostEqual(self.line.forecast_mase, 0.75)
        # the customer's 10 a day: Σ|a − c| = 20 × 2 = 40: WAPE 20 %, 10 points better
        # than the statistical
        self.assertAlmostEqual(self.line.customer_forecast_wape, 20.0)
        self.assertAlmostEqual(self.line.forecast_value_added, 10.0)
        bias = self.env["vmi.exception"].search(
            [("line_id", "=", self.line.id), ("kind", "=", "forecast_bias")]
        )
        self.assertEqual(bias.state, "open", "30 % beyond the 20 % tolerance")
        self.assertIn("ran 30% off the demand", bias.message)
        # both parties see the figures: the portal's line page, and the agreement's
        # scorecard
        self.authenticate(self.buyer.login, f"{self.buyer.login}-secret")
        page = self.url_open(f"/my/vmi/{self.agreement.id}/lines/{self.line.id}").text
        self.assertIn("error (WAPE) 30", page)
        self.assertIn("value added 10", page)
        rows = {row["label"]: row for row in self.agreement._scorecard_rows()}
        self.assertAlmostEqual(rows["Relative forecast bias"]["actual"], 30.0)
        self.assertAlmostEqual(rows["Customer forecast value added"]["actual"], 10.0)
        self.agreement.forecast_bias_tolerance = 40.0
        self.evaluate_line()
        self.assertEqual(bias.state, "resolved")

    def test_an_x12_830_forecast_reaches_the_plan(self):
        """An 830 sends a forecast per product, site and period: each period is a line
        of its own, and the line planned on the customer's forecast takes each day from
        the bucket that covers it."""
        self.report_days([10.0] * 30)
        monday = self.today + timedelta(days=7 - self.today.weekday())
        day = "{:%Y%m%d}".format
        document = (
            "ISA*00*          *00*          *ZZ*ACMECLINICS    *ZZ*VENDORCO       "
            "*261124*0700*U*00401*000000830*0*P*>~"
            "GS*PS*ACMECLINICS*VENDORCO*20261124*0700*830*X*004010~"
            "ST*830*0001~"
            f"BFR*05*FC-{day(self.today)}**BB*A*{day(self.today)}"
            f"*{day(monday + timedelta(days=13))}*{day(self.today)}~"
            "N1*ST*Acme Clinics North*92*SITE-NORTH~"
            "LIN**VN*FURN-0001~"
            "UIT*EA~"
            f"FST*{7 * 12}*D*W*{day(monday - timedelta(days=7))}~"
            f"FST*{7 * 30}*D*W*{day(monday)}~"
            f"FST*{7 * 40}*D*W*{day(monday + timedelta(days=7))}~"
            "CTT*1~SE*10*0001~GE*1*830~IEA*1*000000830~"
        ).encode()
        report, __ = self.receive(document, filename="forecast.830")
        self.assertEqual(report.payload_format, "x12_830")
        self.assertEqual(
            report.line_ids.mapped("state"),
            ["accepted"] * 3,
            report.line_ids.mapped("rejection_reason"),
        )
        self.assertTrue(all(report.line_ids.mapped("forecast_only")))
        self.assertEqual(
            report.line_ids.mapped("date_forecast_start"),
            [monday - timedelta(days=7), monday, monday + timedelta(days=7)],
        )
        self.line.forecast_method = "customer"
        self.evaluate_line()
        self.assertAlmostEqual(
            self.line.last_customer_rate, 12.0, msg="today falls in this week's bucket"
        )
        # over the 5 days of lead time: the rest of this week at 12, then next week at
        # 30
        rest_of_week = (monday - self.today).days
        expected = 12.0 * min(rest_of_week, 5) + 30.0 * max(5 - rest_of_week, 0)
        self.assertAlmostEqual(self.step("lead-time demand")["value"], expected)
        self.assertEqual(
            self.line.last_decision["sources"]["history_days"],
            30,
            "a forecast is no consumption",
        )
