from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestConsumptionBilling(VmiIntakeCommon):
    """Consigned stock is billed once consumed: exactly the consumed quantities, each
    unit once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consignment, cls.site = cls.intake_consignment()
        cls.add_stock(cls.chair, cls.site, 20.0)
        cls.add_stock(cls.desk, cls.site, 10.0)

    def count(self, *rows, agreement=None):
        report, __ = self.receive(
            self.csv(*rows),
            agreement=agreement or self.consignment,
            as_of=fields.Datetime.now() - timedelta(minutes=5),
        )
        self.assertEqual(
            report.state, "processed", report.line_ids.mapped("rejection_reason")
        )
        return report

    def bill(self):
        return self.consignment._bill_consumption()

    def billed(self, product):
        lines = self.consignment.billing_order_ids.order_line.filtered(
            lambda line: line.product_id == product
        )
        return sum(lines.mapped("product_uom_qty")), sum(
            lines.invoice_lines.mapped("quantity")
        )

    def test_consumption_is_sold_and_invoiced_once(self):
        self.count("FURN-0001,CONS-NORTH,14,", "FURN-0002,CONS-NORTH,7,")
        stock = self.consignment._read_site_stock()
        self.assertEqual(stock[self.consignment.id, self.chair.id, self.site.id], 14.0)
        consumed = self.consignment._unbilled_consumption(fields.Datetime.now())
        self.assertEqual(
            consumed.location_dest_id,
            self.customer.property_stock_customer,
            "consumed consigned stock leaves our books to the customer",
        )

        order = self.bill()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.vmi_billing_agreement_id, self.consignment)
        self.assertFalse(
            order.picking_ids,
            "nothing left to deliver: the goods were consumed at the site",
        )
        self.assertEqual(self.billed(self.chair), (6.0, 6.0))
        self.assertEqual(self.billed(self.desk), (3.0, 3.0))
        self.assertEqual(
            order.order_line.mapped("qty_delivered"),
            order.order_line.mapped("product_uom_qty"),
        )
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertEqual(order.invoice_ids.partner_id, self.customer)

        self.assertFalse(self.bill(), "billing again finds nothing unbilled")
        self.assertEqual(len(self.consignment.billing_order_ids), 1)

    def test_several_periods_bill_each_unit_once(self):
        self.count("FURN-0001,CONS-NORTH,15,")
        first = self.bill()
        self.count("FURN-0001,CONS-NORTH,11,")
        self.add_stock(
            self.chair, self.site, 10.0
        )  # a replenishment arrives: not consumption
        self.count("FURN-0001,CONS-NORTH,18,")
        second = self.bill()
        self.assertEqual(first.order_line.product_uom_qty, 5.0)
        self.assertEqual(second.order_line.product_uom_qty, 4.0 + 3.0)
        self.assertEqual(
            self.billed(self.chair), (12.0, 12.0), "20 + 10 received − 18 counted"
        )
        self.assertFalse(self.bill())

    def test_billed_with_each_report(self):
        self.consignment.billing_frequency = "report"
        self.count("FURN-0001,CONS-NORTH,17,")
        self.assertEqual(self.billed(self.chair), (3.0, 3.0))
        self.count(
            "FURN-0001,CONS-NORTH,17,"
        )  # the same count again: nothing new consumed
        self.assertEqual(len(self.consignment.billing_order_ids), 1)

    def test_scheduled_billing_follows_the_frequency(self):
        self.count("FURN-0001,CONS-NORTH,16,")
        self.env["vmi.agreement"]._cron_bill_consumption()
        self.assertEqual(self.billed(self.chair), (4.0, 4.0))
        self.count("FURN-0001,CONS-NORTH,15,")
        self.env["vmi.agreement"]._cron_bill_consumption()
        self.assertEqual(
            self.billed(self.chair), (4.0, 4.0), "monthly: billed again next month"
        )
        self.consignment.date_last_billing = fields.Datetime.now() - timedelta(days=40)
        self.env["vmi.agreement"]._cron_bill_consumption()
        self.assertEqual(self.billed(self.chair), (5.0, 5.0))
