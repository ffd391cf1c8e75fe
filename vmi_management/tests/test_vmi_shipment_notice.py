from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.vmi_management.intake.edifact import read_segments

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestShipmentNotice(VmiIntakeCommon):
    """Validating a VMI delivery or consignment transfer sends the customer an advance
    shipping notice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.consignment, __ = cls.intake_consignment()

    def validate(self, picking, quantity):
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.quantity = quantity
        picking.button_validate()
        return picking.vmi_shipment_notice_ids

    def test_consignment_transfer_sends_a_notice_with_both_documents(self):
        site = self.consignment.location_ids.sorted("id")[0]
        self.add_stock(self.chair, self.stock, 8.0)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": site.id,
                "vmi_agreement_id": self.consignment.id,
                "vmi_location_id": site.id,
                "partner_id": self.customer_site_a.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Chairs",
                            "product_id": self.chair.id,
                            "product_uom_qty": 8.0,
                            "location_id": self.stock.id,
                            "location_dest_id": site.id,
                        }
                    )
                ],
            }
        )
        notice = self.validate(picking, 8.0)
        self.assertEqual(len(notice), 1)
        self.assertEqual(
            (notice.agreement_id, notice.location_id, notice.state),
            (self.consignment, site, "sent"),
        )
        self.assertEqual(notice.date_shipped, picking.date_done)

        x12 = notice.x12_attachment_id.raw.decode()
        self.assertTrue(x12.startswith("ISA"))
        self.assertIn("*856*", x12.replace("~", "*"))
        self.assertIn("FURN-0001", x12)
        self.assertIn("CUST-7781", x12, "the customer's own code travels with the line")
        tags = [
            segment.tag
            for segment in read_segments(notice.edifact_attachment_id.raw.decode())
        ]
        self.assertIn("BGM", tags)
        self.assertIn("LIN", tags)

        message = notice.message_ids.filtered(
            lambda message: message.message_type == "comment"
        )
        self.assertEqual(len(message), 1, "one email to the customer")
        self.assertIn(self.customer, message.partner_ids)
        self.assertEqual(
            message.attachment_ids,
            notice.x12_attachment_id | notice.edifact_attachment_id,
        )
        self.assertIn(notice.name, message.subject)

        notice.action_acknowledge()
        self.assertEqual(notice.state, "acknowledged")
        self.assertTrue(notice.date_acknowledged)

    def test_delivery_of_a_vmi_sale_order_sends_a_notice(self):
        self.add_stock(self.desk, self.stock, 3.0)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "partner_shipping_id": self.customer_site_a.id,
                "vmi_agreement_id": self.agreement.id,
                "vmi_location_id": self.north.id,
                "client_order_ref": "PO-7781",
                "commitment_date": fields.Datetime.now() + timedelta(days=3),
                "order_line": [
                    Command.create({"product_id": self.desk.id, "product_uom_qty": 3.0})
                ],
            }
        )
        order.action_confirm()
        notice = self.validate(order.picking_ids, 3.0)
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.order_ref, "PO-7781")
        self.assertEqual(notice.location_id, self.north)
        self.assertGreater(notice.date_expected, notice.date_shipped)
        self.assertEqual(notice._api_values()["lines"][0]["quantity"], 3.0)

    def ship_chairs(self, site, quantity):
        """Validate a consignment transfer of chairs to ``site``; returns its notice."""
        self.add_stock(self.chair, self.stock, quantity)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": site.id,
                "vmi_agreement_id": self.consignment.id,
                "vmi_location_id": site.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Chairs",
                            "product_id": self.chair.id,
                            "product_uom_qty": quantity,
                            "location_id": self.stock.id,
                            "location_dest_id": site.id,
                        }
                    )
                ],
            }
        )
        return self.validate(picking, quantity)

    def test_expected_arrival_is_shipped_plus_the_lines_lead_time(self):
        site = self.consignment.location_ids.sorted("id")[0]
        chair_line = self.consignment.line_ids.filtered(
            lambda line: line.product_id == self.chair and line.location_id == site
        )
        chair_line.lead_time_days = 2.0
        notice = self.ship_chairs(site, 8.0)
        self.assertEqual(
            notice.date_expected,
            notice.date_shipped + timedelta(days=2),
            "the line's lead time after the shipment, not the shipment's own time",
        )
        self.assertEqual(
            notice._api_values()["expected"],
            fields.Datetime.to_string(notice.date_expected),
        )

        chair_line.lead_time_days = 0.0
        self.consignment.order_cycle_time_days = 4
        notice = self.ship_chairs(site, 1.0)
        self.assertEqual(
            notice.date_expected,
            notice.date_shipped + timedelta(days=4),
            "without a lead time of its own, the agreement's order cycle time",
        )

    def test_ordinary_delivery_sends_no_notice(self):
        self.add_stock(self.desk, self.stock, 1.0)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": self.desk.id, "product_uom_qty": 1.0})
                ],
            }
        )
        order.action_confirm()
        self.assertFalse(self.validate(order.picking_ids, 1.0))
        self.assertFalse(
            self.env["vmi.shipment.notice"].search(
                [("picking_id", "=", order.picking_ids.id)]
            )
        )
