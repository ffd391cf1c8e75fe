from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestStockReportUnits(VmiIntakeCommon):
    """A report's quantities are converted from the unit sent to the product's unit, or
    the line is rejected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units = cls.env.ref("uom.product_uom_unit")
        cls.kg = cls.env.ref("uom.product_uom_kgm")
        cls.case = cls.env["uom.uom"].create(
            {
                "name": "Case of 12",
                "category_id": cls.units.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 12,
            }
        )
        cls.sand = cls.env["product.product"].create(
            {
                "name": "Sand",
                "default_code": "BULK-0001",
                "type": "consu",
                "is_storable": True,
                "uom_id": cls.kg.id,
                "uom_po_id": cls.kg.id,
            }
        )

    @classmethod
    def map_case(cls, agreement, code="CA"):
        agreement.uom_code_ids = [Command.create({"code": code, "uom_id": cls.case.id})]

    @staticmethod
    def x12_852(*items, site="SITE-NORTH"):
        """An 852 of yesterday with the LIN/ZA ``items`` at ``site``, its envelope
        counts right."""
        day = (fields.Date.today() - timedelta(days=1)).strftime("%Y%m%d")
        body = [f"XQ*H*{day}*{day}*RPT-UNITS", f"N1*ST*Acme Clinics*92*{site}", *items]
        transaction = [
            "ST*852*0001",
            *body,
            f"CTT*{sum(item.startswith('LIN*') for item in items)}",
        ]
        transaction.append(f"SE*{len(transaction) + 1}*0001")
        segments = [
            "ISA*00*          *00*          *ZZ*ACMECLINICS    *ZZ*VENDORCO       "
            "*261124*0615*U*00401*000000852*0*P*>",
            f"GS*PD*ACMECLINICS*VENDORCO*{day}*0615*852*X*004010",
            *transaction,
            "GE*1*852",
            "IEA*1*000000852",
        ]
        return ("~\n".join(segments) + "~\n").encode()

    def receive_x12(self, *items, agreement=None, site="SITE-NORTH"):
        report, __ = self.receive(
            self.x12_852(*items, site=site),
            agreement=agreement,
            source="edi",
            filename="units.x12",
        )
        self.assertEqual(report.payload_format, "x12_852")
        return report

    def test_cases_mapped_on_the_agreement_are_converted_to_units(self):
        self.map_case(self.agreement)
        report = self.receive_x12("LIN*1*VN*FURN-0001", "ZA*QA*3*CA", "ZA*QS*2*CA")
        self.assertEqual(report.state, "processed")
        line = report.line_ids
        self.assertEqual(
            (line.quantity_on_hand, line.quantity_consumed),
            (36.0, 24.0),
            "3 and 2 cases of 12",
        )
        self.assertEqual(
            (line.uom_code, line.uom_id, line.product_uom_id),
            ("CA", self.case, self.units),
            "the code as sent, the unit it is, the unit of the quantities",
        )

    def test_default_codes_and_unit_names(self):
        report = self.receive_x12(
            "LIN*1*VN*FURN-0001",
            "ZA*QA*2*DZN",
            "LIN*2*VN*FURN-0002",
            "ZA*QA*1*dz",
            "LIN*3*VN*FURN-0003",
            "ZA*QA*2*case of 12",
        )
        self.assertEqual(report.state, "processed")
        self.assertEqual(
            report.line_ids.mapped("quantity_on_hand"),
            [24.0, 12.0, 24.0],
            "DZN and DZ are dozens, whatever their case; a unit's own name needs no "
            "code",
        )
        dozen = self.env.ref("uom.product_uom_dozen")
        self.assertEqual(report.line_ids.uom_id, dozen | self.case)

    def test_agreement_code_wins_over_the_default(self):
        self.map_case(self.agreement, code="un")
        other = self.intake_agreement(
            self.other_customer,
            "customer_owned",
            barcodes=("ZENITH-NORTH", "ZENITH-SOUTH"),
        )
        report = self.receive_x12("LIN*1*VN*FURN-0001", "ZA*QA*2*UN")
        elsewhere = self.receive_x12(
            "LIN*1*VN*FURN-0001", "ZA*QA*2*UN", agreement=other, site="ZENITH-NORTH"
        )
        self.assertEqual(
            report.line_ids.quantity_on_hand, 24.0, "this customer's UN is a case of 12"
        )
        self.assertEqual(
            elsewhere.line_ids.quantity_on_hand, 2.0, "everyone else's UN is a unit"
        )

    def test_unknown_unit_is_rejected_and_the_other_lines_applied(self):
        report = self.receive_x12(
            "LIN*1*VN*FURN-0001", "ZA*QA*3*CA", "LIN*2*VN*FURN-0002", "ZA*QA*4*EA"
        )
        self.assertEqual(report.state, "partially_rejected")
        chair_line, desk_line = report.line_ids
        self.assertEqual(
            chair_line.rejection_reason,
            (
                "Unit CA is not known: map it to one of our units on "
                f"agreement {self.agreement.name} (Units tab), or send quantities in "
                "Units."
            ),
        )
        self.assertEqual(
            (chair_line.quantity_on_hand, chair_line.uom_code, chair_line.uom_id),
            (3.0, "CA", self.env["uom.uom"]),
            "kept as sent, to be corrected and sent again",
        )
        self.assertEqual(
            (desk_line.state, desk_line.quantity_on_hand, desk_line.uom_id),
            ("accepted", 4.0, self.units),
        )

    def test_unit_of_another_category_is_rejected(self):
        report, __ = self.receive(
            self.csv(
                "FURN-0001,SITE-NORTH,3,,KGM",
                "FURN-0002,SITE-NORTH,3,,kg",
                header="product,location,on_hand,consumed,unit",
            )
        )
        self.assertEqual(report.state, "rejected")
        self.assertEqual(
            list(self.reasons(report).values()),
            [
                "Unit KGM (kg) cannot be converted to Units, the unit of [FURN-0001] "
                "Office Chair.",
                "Unit kg cannot be converted to Units, the unit of [FURN-0002] "
                "Standing Desk.",
            ],
        )

    def test_weight_sent_in_grams_is_counted_in_kilograms(self):
        self.agreement.line_ids = [
            Command.create(
                {
                    "product_id": self.sand.id,
                    "location_id": self.north.id,
                    "policy": "min_max",
                    "min_qty": 5.0,
                    "max_qty": 40.0,
                }
            )
        ]
        report, __ = self.receive(
            self.csv(
                "BULK-0001,SITE-NORTH,2500,750,GRM",
                header="product,location,on_hand,consumed,unit",
            )
        )
        self.assertEqual(report.state, "processed")
        self.assertEqual(
            (report.line_ids.quantity_on_hand, report.line_ids.quantity_consumed),
            (2.5, 0.75),
        )

    def test_no_unit_is_the_products_unit(self):
        report, __ = self.receive(self.csv("FURN-0001,SITE-NORTH,12,5"))
        line = report.line_ids
        self.assertEqual(
            (line.state, line.quantity_on_hand, line.quantity_consumed),
            ("accepted", 12.0, 5.0),
        )
        self.assertEqual((line.uom_code, line.uom_id), (False, self.units))

    def test_typed_in_lines_are_in_the_products_unit(self):
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": self.agreement.id,
                "date_as_of": fields.Datetime.now() - timedelta(hours=1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.chair.id,
                            "location_id": self.north.id,
                            "quantity_on_hand": 9.0,
                        }
                    ),
                    Command.create(
                        {
                            "product_code": "FURN-0002",
                            "location_code": "SITE-NORTH",
                            "quantity_on_hand": 4.0,
                        }
                    ),
                ],
            }
        )
        self.assertEqual(report.line_ids[0].uom_id, self.units)
        report.action_process()
        self.assertEqual(report.state, "processed")
        self.assertEqual(report.line_ids.mapped("quantity_on_hand"), [9.0, 4.0])
        self.assertEqual(
            report.line_ids.uom_id, self.units, "also the line completed from its codes"
        )

    def test_consigned_stock_is_counted_in_the_converted_quantity(self):
        consignment, site = self.intake_consignment()
        self.map_case(consignment)
        self.add_stock(self.chair, site, 10.0)
        report = self.receive_x12(
            "LIN*1*VN*FURN-0001", "ZA*QA*3*CA", agreement=consignment, site="CONS-NORTH"
        )
        self.assertEqual(report.state, "processed")
        self.assertEqual(
            report.line_ids.quantity_difference,
            26.0,
            "3 cases are 36 units; 10 were in our books",
        )
        self.assertEqual(
            consignment._read_site_stock()[consignment.id, self.chair.id, site.id], 36.0
        )
        self.assertEqual(sum(report.adjustment_move_ids.mapped("product_qty")), 26.0)

    def test_codes_are_unique_per_agreement_and_among_the_defaults(self):
        self.map_case(self.agreement)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.map_case(self.agreement, code="ca")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env["vmi.uom.code"].create({"code": "ea", "uom_id": self.case.id})
        other = self.intake_agreement(self.other_customer, "customer_owned")
        self.map_case(
            other
        )  # the same code on another agreement is that customer's own
        self.assertEqual(
            self.env.ref("vmi_management.uom_code_ea").display_name, "EA → Units"
        )

    def test_vmi_users_read_the_codes_managers_change_them(self):
        codes = self.env["vmi.uom.code"]
        self.assertTrue(codes.with_user(self.vmi_user).search([("code", "=", "PCE")]))
        with self.assertRaises(AccessError):
            codes.with_user(self.vmi_user).create(
                {"code": "CA", "uom_id": self.case.id}
            )
        created = codes.with_user(self.vmi_manager).create(
            {"code": "CA", "uom_id": self.case.id, "agreement_id": self.agreement.id}
        )
        self.assertEqual(self.agreement.uom_code_ids, created)
