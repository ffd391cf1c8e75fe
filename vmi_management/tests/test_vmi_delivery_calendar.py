from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import VmiCommon

MONDAY = datetime(2026, 12, 7, 10, 0)


@tagged("post_install", "-at_install")
class TestDeliveryCalendar(VmiCommon):
    """A site that takes deliveries on Mondays and Thursdays: orders arrive on its next
    delivery day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Deliveries Monday and Thursday morning",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": name,
                            "dayofweek": day,
                            "hour_from": 8,
                            "hour_to": 12,
                            "day_period": "morning",
                        }
                    )
                    for name, day in (("Monday", "0"), ("Thursday", "3"))
                ],
            }
        )
        cls.agreement = cls.create_running_agreement()
        cls.agreement.location_ids.vmi_delivery_calendar_id = cls.calendar
        cls.agreement.line_ids.lead_time_days = 1.0
        cls.agreement.action_activate()

    def evaluated(self):
        with freeze_time(MONDAY):
            self.evaluate(self.agreement)
        transfer = self.env["stock.picking"].search(
            [("vmi_agreement_id", "=", self.agreement.id)]
        )
        lead_time = next(
            step
            for step in self.agreement.line_ids.last_decision["steps"]
            if step["name"] == "lead time"
        )
        return transfer, lead_time

    def test_an_order_arrives_on_the_next_delivery_day(self):
        transfer, lead_time = self.evaluated()
        self.assertEqual(
            lead_time["value"], 3, "ordered on Monday with a day of lead time: Thursday"
        )
        self.assertIn("the next delivery day is in 3 days", lead_time["note"])
        self.assertEqual(transfer.scheduled_date.date(), date(2026, 12, 10))

    def test_a_closed_day_moves_it_to_the_next_one(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Site closed for stocktaking",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 12, 10, 0, 0),
                "date_to": datetime(2026, 12, 10, 23, 59),
            }
        )
        transfer, lead_time = self.evaluated()
        self.assertEqual(lead_time["value"], 7, "Thursday is closed: the next Monday")
        self.assertEqual(transfer.scheduled_date.date(), date(2026, 12, 14))

    def test_a_site_without_delivery_days_plans_on_the_lead_time(self):
        self.agreement.location_ids.vmi_delivery_calendar_id = False
        __, lead_time = self.evaluated()
        self.assertEqual(lead_time["value"], 1)

    def test_the_review_comes_back_in_time_for_the_delivery_after_next(self):
        self.agreement.review_interval_days = 14
        with freeze_time(MONDAY):
            self.env["vmi.replenishment"]._evaluate(
                self.agreement, trigger="scheduled", now=MONDAY
            )
        # delivered Thursday, it lasts until Monday the 14th: ordered a day ahead, on
        # Sunday the 13th
        self.assertEqual(self.agreement.date_next_evaluation, datetime(2026, 12, 13))
