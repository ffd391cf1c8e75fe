from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestCountSemantics(VmiIntakeCommon):
    """Counts and sales where the stock is ours at the customer: a count is compared
    with the stock at its as-of, consumption carries the period it happened over, and
    sales alone are consumption too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.consignment, cls.site = cls.intake_consignment()
        cls.bin = cls.env["stock.location"].create(
            {"name": "Bin 1", "location_id": cls.site.id, "usage": "internal"}
        )
        cls.customers = cls.customer.property_stock_customer

    def deliver(
        self, product, quantity, when, source=None, destination=None, owner=None
    ):
        """A move done at ``when``: by default a delivery of ours from the vendor into
        the consignment site."""
        source = source or self.env.ref("stock.stock_location_suppliers")
        destination = destination or self.site
        with freeze_time(when):
            move = self.env["stock.move"].create(
                {
                    "name": "Replenishment",
                    "product_id": product.id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "picked": True,
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_id": product.uom_id.id,
                                "quantity": quantity,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "owner_id": owner and owner.id,
                            }
                        )
                    ],
                }
            )
            move._action_done()
        self.assertEqual(move.state, "done")
        return move

    def receive_at(self, when, payload, filename="report.csv", as_of=None):
        with freeze_time(when):
            report, __ = self.receive(
                payload, agreement=self.consignment, filename=filename, as_of=as_of
            )
        self.assertEqual(report.state, "processed", self.reasons(report))
        return report

    def held(self, product):
        return self.consignment._read_site_stock().get(
            (self.consignment.id, product.id, self.site.id), 0.0
        )

    def consumed(self, report):
        return report.adjustment_move_ids.filtered(
            lambda move: move.location_dest_id == self.customers
        )

    def billed(self, product):
        lines = self.consignment.billing_order_ids.order_line.filtered(
            lambda line: line.product_id == product
        )
        return sum(lines.mapped("product_uom_qty")), sum(
            lines.invoice_lines.mapped("quantity")
        )

    def bill(self, when):
        with freeze_time(when):
            return self.consignment._bill_consumption()

    # ------------------------------------------------------------------
    # A count is compared with the stock at its as-of
    # ------------------------------------------------------------------

    def test_late_count_after_a_delivery_is_no_consumption(self):
        self.add_stock(self.chair, self.site, 10.0)
        self.deliver(self.chair, 50.0, "2026-11-24 09:00:00")
        report = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,10,"),
            as_of=datetime(2026, 11, 23, 18, 0),
        )
        self.assertEqual(
            report.line_ids.quantity_difference,
            0.0,
            "10 held at 18:00 yesterday, 10 counted",
        )
        self.assertFalse(report.adjustment_move_ids)
        self.assertEqual(
            self.held(self.chair), 60.0, "the delivery since the count stays"
        )
        self.assertFalse(
            self.bill("2026-11-24 11:00:00"), "nothing consumed, nothing billed"
        )

    def test_shortfall_at_the_as_of_is_consumed_from_todays_stock(self):
        self.add_stock(self.chair, self.site, 100.0)
        self.deliver(self.chair, 50.0, "2026-11-24 08:30:00")
        report = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,80,"),
            as_of=datetime(2026, 11, 23, 18, 0),
        )
        self.assertEqual(
            report.line_ids.quantity_difference,
            -20.0,
            "150 now − 50 delivered since = 100; 80 counted",
        )
        self.assertEqual(sum(self.consumed(report).mapped("quantity")), 20.0)
        self.assertEqual(self.held(self.chair), 130.0, "150 − 20")
        self.bill("2026-11-24 11:00:00")
        self.assertEqual(self.billed(self.chair), (20.0, 20.0))
        self.assertFalse(self.bill("2026-11-24 12:00:00"))

    def test_moves_within_the_site_and_of_other_owners_are_not_arrivals(self):
        self.add_stock(self.chair, self.site, 30.0)
        self.deliver(
            self.chair, 40.0, "2026-11-24 09:00:00", owner=self.vendor
        )  # another owner's stock
        self.deliver(
            self.chair,
            12.0,
            "2026-11-24 09:10:00",
            source=self.site,
            destination=self.bin,
        )  # put away
        report = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,25,"),
            as_of=datetime(2026, 11, 23, 18, 0),
        )
        self.assertEqual(
            report.line_ids.quantity_difference,
            -5.0,
            "30 of ours throughout; 25 counted",
        )
        self.assertEqual(self.held(self.chair), 25.0)

    def test_adjustments_of_an_earlier_count_are_in_the_stock_they_describe(self):
        self.add_stock(self.chair, self.site, 100.0)
        first = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,90,"),
            as_of=datetime(2026, 11, 24, 8, 0),
        )
        second = self.receive_at(
            "2026-11-24 11:00:00",
            self.csv("FURN-0001,CONS-NORTH,85,"),
            as_of=datetime(2026, 11, 24, 9, 0),
        )
        self.assertEqual(first.line_ids.quantity_difference, -10.0)
        self.assertEqual(
            second.line_ids.quantity_difference,
            -5.0,
            "the first count's adjustment, done at 10:00, describes 08:00: 90 were "
            "held at 09:00",
        )
        self.assertEqual(self.held(self.chair), 85.0)
        self.assertEqual(
            self.consumed(second).mapped("vmi_consumption_start"),
            [datetime(2026, 11, 24, 8, 0)],
        )

    # ------------------------------------------------------------------
    # Consumption carries the period it happened over
    # ------------------------------------------------------------------

    def test_monthly_counts_spread_consumption_since_the_previous_count(self):
        self.company.partner_id.tz = "America/Chicago"
        self.add_stock(self.chair, self.site, 100.0)
        header = "product,location,on_hand,consumed,period_start"
        first = self.receive_at(
            "2026-10-25 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,90,,2026-10-01", header=header),
            as_of=datetime(2026, 10, 25, 8, 0),
        )
        second = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,60,", header=header),
            as_of=datetime(2026, 11, 24, 8, 0),
        )
        first_move, second_move = self.consumed(first), self.consumed(second)
        self.assertEqual((first_move.quantity, second_move.quantity), (10.0, 30.0))
        self.assertEqual(
            (first_move.vmi_consumption_start, first_move.vmi_consumption_end),
            (datetime(2026, 10, 1, 5, 0), datetime(2026, 10, 25, 8, 0)),
            "no earlier count: from the start of the period's first day in Chicago "
            "(CDT, UTC−5)",
        )
        self.assertEqual(
            (second_move.vmi_consumption_start, second_move.vmi_consumption_end),
            (datetime(2026, 10, 25, 8, 0), datetime(2026, 11, 24, 8, 0)),
            "from the previous count's as-of to this one's",
        )

    def test_count_without_a_previous_count_or_period_is_consumption_at_its_as_of(self):
        self.add_stock(self.chair, self.site, 10.0)
        report = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,4,"),
            as_of=datetime(2026, 11, 24, 8, 0),
        )
        move = self.consumed(report)
        self.assertEqual(
            (move.vmi_consumption_start, move.vmi_consumption_end),
            (datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 8, 0)),
        )
        found = self.receive_at(
            "2026-11-24 11:00:00",
            self.csv("FURN-0001,CONS-NORTH,9,"),
            as_of=datetime(2026, 11, 24, 9, 0),
        ).adjustment_move_ids
        self.assertEqual(found.location_id.usage, "inventory")
        self.assertFalse(
            found.vmi_consumption_start or found.vmi_consumption_end,
            "found stock is no consumption",
        )

    # ------------------------------------------------------------------
    # Sales alone are consumption on consignment
    # ------------------------------------------------------------------

    def test_sales_report_on_consignment_is_consumption_billed_once(self):
        self.consignment.billing_frequency = "report"
        self.add_stock(self.chair, self.site, 20.0)
        self.add_stock(self.desk, self.site, 10.0)
        payload = self.sample("sales_slsrpt.edi").replace(b"SITE-NORTH", b"CONS-NORTH")
        report = self.receive_at("2026-11-24 10:00:00", payload, filename="sales.edi")
        self.assertEqual(
            report.date_as_of,
            datetime(2026, 11, 24, 0, 0),
            "the end of the period's last day (UTC)",
        )
        moves = self.consumed(report)
        self.assertEqual(
            sorted(
                moves.mapped(lambda move: (move.product_id.default_code, move.quantity))
            ),
            [("FURN-0001", 9.0), ("FURN-0002", 3.0)],
        )
        self.assertEqual(
            set(
                moves.mapped(
                    lambda move: (move.vmi_consumption_start, move.vmi_consumption_end)
                )
            ),
            {(datetime(2026, 11, 17, 0, 0), datetime(2026, 11, 24, 0, 0))},
            "17 to 23 November, whole days",
        )
        self.assertEqual((self.held(self.chair), self.held(self.desk)), (11.0, 7.0))
        self.assertEqual(
            (self.billed(self.chair), self.billed(self.desk)),
            ((9.0, 9.0), (3.0, 3.0)),
            "billed with the report",
        )
        self.assertFalse(self.bill("2026-11-24 11:00:00"), "and only once")
        self.assertEqual(len(self.consignment.billing_order_ids), 1)

    def test_sales_without_a_period_end_end_at_the_as_of(self):
        self.add_stock(self.chair, self.site, 20.0)
        payload = self.csv(
            "FURN-0001,CONS-NORTH,,6,2026-11-20",
            header="product,location,on_hand,consumed,period_start",
        )
        report = self.receive_at(
            "2026-11-24 10:00:00", payload, as_of=datetime(2026, 11, 24, 7, 0)
        )
        move = self.consumed(report)
        self.assertEqual(
            (move.quantity, move.vmi_consumption_start, move.vmi_consumption_end),
            (6.0, datetime(2026, 11, 20, 0, 0), datetime(2026, 11, 24, 7, 0)),
        )
        self.assertFalse(report.line_ids.application_note)

    def test_sales_beyond_the_stock_held_take_what_is_held_and_say_so(self):
        self.add_stock(self.chair, self.site, 5.0)
        self.add_stock(self.chair, self.bin, 2.0)
        self.add_stock(
            self.chair, self.site, 50.0, owner=self.vendor
        )  # not the agreement's stock
        report = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,,10"),
            as_of=datetime(2026, 11, 24, 8, 0),
        )
        moves = self.consumed(report)
        self.assertEqual(
            moves.mapped(lambda move: (move.location_id, move.quantity)),
            [(self.site, 5.0), (self.bin, 2.0)],
            "largest quant first",
        )
        self.assertEqual(self.held(self.chair), 0.0)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.chair, self.site, owner_id=self.vendor, strict=True
            ),
            50.0,
            "another owner's stock is untouched",
        )
        self.assertEqual(report.line_ids.state, "accepted")
        self.assertEqual(
            report.line_ids.application_note,
            "3 of the 10 consumed could not be taken: only 7 is held "
            f"at {self.site.name} in our books.",
        )

    def test_count_governs_a_line_that_also_reports_sales(self):
        self.add_stock(self.chair, self.site, 20.0)
        report = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0001,CONS-NORTH,15,4"),
            as_of=datetime(2026, 11, 24, 8, 0),
        )
        self.assertEqual(
            sum(self.consumed(report).mapped("quantity")),
            5.0,
            "20 − 15 counted; the 4 sold are in it",
        )
        self.assertEqual(self.held(self.chair), 15.0)

    def test_sales_of_a_lot_tracked_product_are_kept_not_taken(self):
        self.lamp.tracking = "lot"
        report = self.receive_at(
            "2026-11-24 10:00:00",
            self.csv("FURN-0003,CONS-NORTH,,2"),
            as_of=datetime(2026, 11, 24, 8, 0),
        )
        self.assertFalse(report.adjustment_move_ids)
        self.assertRegex(report.line_ids.application_note, "per lot")

    def test_sales_where_the_customer_owns_the_stock_move_nothing(self):
        report = self.env["vmi.stock.report"]._receive(
            self.agreement,
            self.csv("FURN-0001,SITE-NORTH,,4"),
            source="file",
            filename="sales.csv",
            date_as_of=datetime(2026, 11, 24, 8, 0),
        )[0]
        self.assertEqual(report.state, "processed")
        self.assertFalse(report.adjustment_move_ids)
        self.assertFalse(report.line_ids.application_note)

    # ------------------------------------------------------------------
    # A report dated by a day is as of the end of that day where the company is
    # ------------------------------------------------------------------

    def period_end_852(self, on_hand, reference="RPT-TZ"):
        """An X12 852 for 17–23 November 2026 whose XQ gives the period's days only."""
        body = [
            "ST*852*0001",
            f"XQ*H*20261117*20261123*{reference}",
            "N1*ST*Acme Clinics*92*CONS-NORTH",
            "LIN*1*VN*FURN-0001",
            f"ZA*QA*{on_hand:g}*EA",
            "CTT*1",
            "SE*7*0001",
        ]
        segments = [
            "ISA*00*          *00*          *ZZ*ACMECLINICS    *ZZ*VENDORCO       "
            "*261125*0600*U*00401*000000901*0*P*>",
            "GS*PD*ACMECLINICS*VENDORCO*20261125*0600*901*X*004010",
            *body,
            "GE*1*901",
            "IEA*1*000000901",
        ]
        return ("~\n".join(segments) + "~\n").encode()

    def check_period_end_count(self, tz, on_the_day, the_day_after, as_of):
        """10 held; 50 delivered late on the period-end day (local) and 5 early the next
        day; the customer counts 60 on the period-end day: nothing is consumed or found,
        whatever the time zone."""
        self.company.partner_id.tz = tz
        self.add_stock(self.chair, self.site, 10.0)
        self.deliver(self.chair, 50.0, on_the_day)
        self.deliver(self.chair, 5.0, the_day_after)
        report = self.receive_at(
            "2026-11-25 12:00:00", self.period_end_852(60.0), filename="stock.x12"
        )
        self.assertEqual(
            report.date_as_of, as_of, f"the end of 23 November in {tz}, in UTC"
        )
        self.assertEqual(
            report.line_ids.quantity_difference,
            0.0,
            "the day's delivery is in the count, once",
        )
        self.assertFalse(report.adjustment_move_ids)
        self.assertEqual(self.held(self.chair), 65.0)

    def test_period_end_852_is_as_of_the_end_of_that_day_east_of_utc(self):
        # Tokyo is UTC+9: 23 November ends at 15:00 UTC; 19:00 local is 10:00 UTC, 01:00
        # on the 24th is 16:00 UTC.
        self.check_period_end_count(
            "Asia/Tokyo",
            "2026-11-23 10:00:00",
            "2026-11-23 16:00:00",
            datetime(2026, 11, 23, 15, 0),
        )

    def test_period_end_852_is_as_of_the_end_of_that_day_west_of_utc(self):
        # Chicago is UTC−6 in November: 23 November ends at 06:00 UTC on the 24th; 21:00
        # local is 03:00 UTC.
        self.check_period_end_count(
            "America/Chicago",
            "2026-11-24 03:00:00",
            "2026-11-24 07:00:00",
            datetime(2026, 11, 24, 6, 0),
        )

    def test_report_of_a_day_not_over_yet_is_as_of_its_receipt(self):
        self.company.partner_id.tz = "America/Chicago"
        self.add_stock(self.chair, self.site, 60.0)
        report = self.receive_at(
            "2026-11-23 20:00:00", self.period_end_852(60.0), filename="stock.x12"
        )
        self.assertEqual(
            report.date_as_of,
            datetime(2026, 11, 23, 20, 0),
            "14:00 in Chicago: the day is not over",
        )
        with freeze_time(
            "2026-11-23 05:00:00"
        ):  # 23:00 on the 22nd in Chicago: the 23rd is still to come
            early, __ = self.receive(
                self.period_end_852(60.0, "RPT-EARLY"),
                agreement=self.consignment,
                filename="early.x12",
            )
        self.assertEqual(
            (early.date_as_of, early.state), (datetime(2026, 11, 24, 6, 0), "rejected")
        )
        self.assertRegex(early.line_ids.rejection_reason, "in the future")
