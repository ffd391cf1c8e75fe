from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user
from odoo.tools import file_open

from .common import VmiCommon


class VmiIntakeCommon(VmiCommon):
    """A running agreement with two sites and three products whose codes match the
    sample documents.

    The samples in ``tests/samples`` (CSV, X12 852, EDIFACT INVRPT and
    SLSRPT) name products by our internal reference (FURN-000x), barcode
    (GTIN) or the customer's own code (CUST-7781), and sites by the
    barcodes SITE-NORTH and SITE-SOUTH.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chair, cls.desk, cls.lamp = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "default_code": code,
                    "barcode": barcode,
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 20.0,
                }
                for name, code, barcode in (
                    ("Office Chair", "FURN-0001", "00012345600012"),
                    ("Standing Desk", "FURN-0002", "00012345600029"),
                    ("Desk Lamp", "FURN-0003", "00012345600036"),
                )
            ]
        )
        for product in (cls.chair, cls.desk, cls.lamp):
            cls.add_stock(product, cls.warehouse.lot_stock_id, 100000.0)
        cls.agreement = cls.intake_agreement(cls.customer, "customer_owned")
        cls.north, cls.south = cls.agreement.location_ids.sorted("id")

    @classmethod
    def intake_agreement(
        cls, customer, ownership, barcodes=("SITE-NORTH", "SITE-SOUTH")
    ):
        agreement = cls.create_agreement(partner_id=customer.id, ownership=ownership)
        agreement.action_create_site_locations()
        sites = agreement.location_ids.sorted("id")
        for site, barcode in zip(sites, barcodes, strict=False):
            site.barcode = barcode
        agreement.line_ids = [
            Command.create(
                {
                    "product_id": product.id,
                    "location_id": site.id,
                    "policy": "min_max",
                    "min_qty": 5.0,
                    "max_qty": 40.0,
                    "customer_product_code": code if site == sites[0] else False,
                }
            )
            for product, code in (
                (cls.chair, "CUST-7781"),
                (cls.desk, "CUST-7782"),
                (cls.lamp, False),
            )
            for site in sites
        ]
        agreement.action_activate()
        return agreement

    @classmethod
    def intake_consignment(cls):
        """A running agreement of the customer where the stock at its two sites is ours;
        returns it and its first site."""
        agreement = cls.intake_agreement(
            cls.customer, "consignment", barcodes=("CONS-NORTH", "CONS-SOUTH")
        )
        return agreement, agreement.location_ids.sorted("id")[0]

    @classmethod
    def report_a_month_without_demand(cls, agreement):
        """A report of 20 on hand and nothing consumed over the last 30 days, for
        every line: an agreement whose demand-based KPIs are undefined."""
        today = fields.Date.context_today(agreement)
        cls.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "location_id": line.location_id.id,
                            "quantity_on_hand": 20.0,
                            "quantity_consumed": 0.0,
                            "date_period_start": today - timedelta(days=30),
                            "date_period_end": today - timedelta(days=1),
                        }
                    )
                    for line in agreement.line_ids
                ],
            }
        ).action_process()

    @classmethod
    def portal_user(cls, partner, login):
        """A portal user of ``partner``'s company, whose password is
        ``<login>-secret``."""
        contact = cls.env["res.partner"].create(
            {"name": f"{login} contact", "parent_id": partner.id}
        )
        return new_test_user(
            cls.env,
            login,
            groups="base.group_portal",
            partner_id=contact.id,
            password=f"{login}-secret",
        )

    @classmethod
    def api_key(cls, user, expiration=None):
        """A new API key of ``user``, as the HTTP API's clients hold."""
        return (
            cls.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, "stock feed", expiration)
        )

    def validated_consignment_transfer(self):
        """A validated delivery to a consignment site of the customer, and so its
        shipment notice."""
        agreement = self.intake_agreement(
            self.customer, "consignment", barcodes=("CONS-NORTH", "CONS-SOUTH")
        )
        site = agreement.location_ids.sorted("id")[0]
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": site.id,
                "vmi_agreement_id": agreement.id,
                "vmi_location_id": site.id,
                "partner_id": self.customer_site_a.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.chair.name,
                            "product_id": self.chair.id,
                            "product_uom_qty": 5.0,
                            "location_id": self.warehouse.lot_stock_id.id,
                            "location_dest_id": site.id,
                        }
                    )
                ],
            }
        )
        self.add_stock(self.chair, self.warehouse.lot_stock_id, 5.0)
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.quantity = 5.0
        picking.button_validate()
        return picking.vmi_shipment_notice_ids

    @staticmethod
    def sample(name):
        with file_open(f"vmi_management/tests/samples/{name}", "rb") as sample:
            return sample.read()

    def receive(
        self, payload, agreement=None, source="file", filename="report.csv", as_of=None
    ):
        return self.env["vmi.stock.report"]._receive(
            agreement or self.agreement,
            payload,
            source=source,
            filename=filename,
            date_as_of=as_of or fields.Datetime.now() - timedelta(hours=1),
        )

    @staticmethod
    def csv(*rows, header="product,location,on_hand,consumed"):
        return "\n".join((header,) + rows).encode()

    @staticmethod
    def reasons(report):
        return {
            line.source_ref: line.rejection_reason
            for line in report.line_ids
            if line.state == "rejected"
        }
