import re

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestPortalReportsOnlyTheCustomersOwnStock(VmiIntakeCommon, HttpCase):
    """Where we are the customer, the vendor's portal users see the stock it manages for
    us in our warehouse, but cannot count it: a count there would rewrite our own
    books."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.portal_user(cls.customer, "portal_buyer")
        cls.seller = cls.portal_user(cls.vendor, "portal_seller")
        cls.consignment, cls.north_site = cls.intake_consignment()
        cls.ours = cls.create_agreement(
            partner_id=cls.vendor.id, role="customer", ownership="consignment"
        )
        cls.ours.action_create_site_locations()
        cls.our_site = cls.ours.location_ids
        cls.ours.line_ids = [
            Command.create(
                {
                    "product_id": cls.lamp.id,
                    "location_id": cls.our_site.id,
                    "policy": "min_max",
                    "min_qty": 2.0,
                    "max_qty": 6.0,
                }
            )
        ]
        cls.ours.action_activate()
        cls.add_stock(cls.lamp, cls.our_site, 7.0, owner=cls.vendor)

    def get(self, path):
        return self.url_open(path, allow_redirects=False)

    def post(self, path, **kwargs):
        token = re.search(
            r'name="csrf_token" value="([^"]+)"', self.get("/my/account").text
        ).group(1)
        return self.url_open(
            path,
            data={"csrf_token": token, **kwargs.pop("data", {})},
            allow_redirects=False,
            **kwargs,
        )

    def lamp_stock(self):
        return self.env["stock.quant"]._get_available_quantity(
            self.lamp, self.our_site, owner_id=self.vendor, strict=True
        )

    def test_the_rule_is_the_one_the_api_applies(self):
        self.assertTrue(
            self.consignment._accepts_stock_reports_from(self.buyer.partner_id)
        )
        self.assertFalse(
            self.ours._accepts_stock_reports_from(self.seller.partner_id),
            "we are the customer",
        )
        self.assertFalse(
            self.consignment._accepts_stock_reports_from(self.seller.partner_id),
            "not its agreement",
        )
        self.assertEqual(
            self.env["vmi.agreement"].search(
                self.env["vmi.agreement"]._stock_reporter_domain(self.buyer.partner_id)
            ),
            self.consignment | self.agreement,
        )

    def test_report_stock_is_offered_to_the_customer_only(self):
        self.authenticate(self.buyer.login, "portal_buyer-secret")
        self.assertIn(
            "o_vmi_report_stock", self.get(f"/my/vmi/{self.consignment.id}").text
        )
        self.authenticate(self.seller.login, "portal_seller-secret")
        page = self.get(f"/my/vmi/{self.ours.id}")
        self.assertEqual(
            page.status_code, 200, "the vendor still sees the stock it manages for us"
        )
        self.assertIn("Desk Lamp", page.text)
        self.assertNotIn("o_vmi_report_stock", page.text)
        self.assertNotIn(f"/my/vmi/{self.ours.id}/count", page.text)

    def test_vendor_cannot_count_or_upload_our_stock(self):
        self.authenticate(self.seller.login, "portal_seller-secret")
        self.assertEqual(self.get(f"/my/vmi/{self.ours.id}/count").status_code, 404)
        line = self.ours.line_ids
        answer = self.post(
            f"/my/vmi/{self.ours.id}/count", data={f"on_hand_{line.id}": "0"}
        )
        self.assertEqual(answer.status_code, 404)
        csv = f"product,location,on_hand\nFURN-0003,{self.our_site.name},0\n".encode()
        answer = self.post(
            f"/my/vmi/{self.ours.id}/upload",
            files={"report_file": ("stock.csv", csv, "text/csv")},
        )
        self.assertEqual(answer.status_code, 404)
        self.assertFalse(self.ours.stock_report_ids, "nothing was received")
        self.assertEqual(
            self.lamp_stock(),
            7.0,
            "our stock stays as it is, none of it sent to inventory loss",
        )


@tagged("post_install", "-at_install")
class TestVmiHardening(VmiIntakeCommon):
    """Billing, approvals, report answers, backorders and deliveries hold to their rules
    whoever acts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.consignment, cls.site = cls.intake_consignment()
        for product in (cls.chair, cls.desk, cls.lamp):
            product.standard_price = 10.0
            cls.add_stock(product, cls.stock, 100.0)
        cls.billing_manager = new_test_user(
            cls.env,
            "vmi_billing_manager",
            groups="vmi_management.group_vmi_manager,account.group_account_invoice",
        )

    def transfer(self, **agreement_vals):
        """The consignment transfer the evaluation proposes: the north site has nothing,
        so 40 of each product."""
        self.consignment.write(agreement_vals)
        self.evaluate(self.consignment)
        return self.consignment.picking_ids.filtered(
            lambda picking: picking.vmi_location_id == self.site
        )

    # ------------------------------------------------------------------
    # Consumption billing
    # ------------------------------------------------------------------

    def test_billing_by_hand_needs_a_vmi_manager_who_invoices(self):
        self.add_stock(self.chair, self.site, 20.0)
        self.receive(self.csv("FURN-0001,CONS-NORTH,14,"), agreement=self.consignment)
        invoice_only = new_test_user(
            self.env,
            "vmi_invoicing_user",
            groups="vmi_management.group_vmi_user,account.group_account_invoice",
        )
        for user in (self.vmi_user, self.vmi_manager, invoice_only):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(AccessError, "only a VMI Manager who"),
            ):
                self.consignment.with_user(user).action_bill_consumption()
        self.assertFalse(self.consignment.billing_order_ids)
        self.assertFalse(
            self.env["account.move"].search([("partner_id", "=", self.customer.id)])
        )

        self.consignment.with_user(self.billing_manager).action_bill_consumption()
        order = self.consignment.billing_order_ids
        self.assertEqual((order.state, order.order_line.product_uom_qty), ("sale", 6.0))
        self.assertEqual(order.invoice_ids.state, "posted")

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------

    def test_transfer_waiting_for_approval_goes_no_further_but_by_approval(self):
        transfer = self.transfer(approval_threshold=100.0, order_mode="confirm")
        self.assertEqual(
            (transfer.state, transfer.vmi_approval_required),
            ("draft", True),
            "worth 3 x 400",
        )
        activity, approval = (
            transfer.activity_ids,
            self.env.ref("vmi_management.mail_activity_type_vmi_approval"),
        )
        self.assertEqual(activity.activity_type_id, approval)
        for user in (self.stock_user, self.vmi_manager):
            for action in ("action_confirm", "button_validate", "action_assign"):
                with (
                    self.subTest(user=user.login, action=action),
                    self.assertRaisesRegex(UserError, "a VMI Manager must approve"),
                ):
                    getattr(transfer.with_user(user), action)()
        with self.assertRaisesRegex(UserError, "a VMI Manager must approve"):
            transfer._action_done()
        self.assertEqual(
            (transfer.state, transfer.vmi_approval_required), ("draft", True)
        )
        self.assertEqual(transfer.activity_ids, activity, "the approval is still to do")

        with self.assertRaises(AccessError):
            transfer.with_user(self.vmi_user).action_vmi_approve()
        transfer.with_user(self.vmi_manager).action_vmi_approve()
        self.assertEqual(transfer.state, "assigned")
        self.assertFalse(transfer.vmi_approval_required)
        self.assertFalse(transfer.activity_ids, "the approval activity is done")
        self.assertTrue(
            transfer.message_ids.filtered(
                lambda message: message.mail_activity_type_id == approval
            ),
            "the done activity is in the chatter",
        )
        logged = transfer.message_ids.filtered(
            lambda message: "Replenishment approved by" in (message.body or "")
        )
        self.assertTrue(logged)
        self.assertIn(self.vmi_manager.name, logged[0].body)
        self.assertEqual(logged[0].author_id, self.vmi_manager.partner_id)

    def test_reevaluation_keeps_one_approval_activity_and_withdraws_it_below_the_threshold(  # noqa: E501
        self,
    ):
        transfer = self.transfer(approval_threshold=100.0, order_mode="draft")
        self.consignment.line_ids.filtered(
            lambda line: line.product_id == self.lamp
        ).max_qty = 30.0
        self.evaluate(self.consignment)
        self.assertEqual(
            len(transfer.activity_ids),
            1,
            "updated, still waiting: the same single activity",
        )
        self.consignment.approval_threshold = 10000.0
        self.consignment.line_ids.filtered(
            lambda line: line.product_id == self.lamp
        ).max_qty = 40.0
        self.evaluate(self.consignment)
        self.assertFalse(transfer.vmi_approval_required)
        self.assertFalse(transfer.activity_ids, "nothing to approve any more")

    def test_orders_waiting_for_approval_cannot_be_confirmed(self):
        self.agreement.write({"approval_threshold": 100.0, "order_mode": "draft"})
        self.receive(self.csv("FURN-0001,SITE-NORTH,0,"))
        self.evaluate(self.agreement)
        order = self.agreement.sale_order_ids
        self.assertTrue(order.vmi_approval_required, "40 chairs at 20")
        with self.assertRaisesRegex(UserError, "a VMI Manager must approve"):
            order.action_confirm()

        mirror = self.create_agreement(
            partner_id=self.vendor.id, role="customer", approval_threshold=100.0
        )
        mirror.action_create_site_locations()
        mirror.line_ids = [
            Command.create(
                {
                    "product_id": self.lamp.id,
                    "location_id": mirror.location_ids.id,
                    "policy": "min_max",
                    "min_qty": 2.0,
                    "max_qty": 30.0,
                }
            )
        ]
        mirror.action_activate()
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor.id,
                "price": 7.0,
                "product_tmpl_id": self.lamp.product_tmpl_id.id,
            }
        )
        self.evaluate(mirror)
        purchase = mirror.purchase_order_ids
        self.assertTrue(purchase.vmi_approval_required, "30 lamps at 7")
        for action in ("button_confirm", "button_approve"):
            with (
                self.subTest(action=action),
                self.assertRaisesRegex(UserError, "a VMI Manager must approve"),
            ):
                getattr(purchase, action)()
        self.assertEqual((order.state, purchase.state), ("draft", "draft"))

    # ------------------------------------------------------------------
    # Report answers
    # ------------------------------------------------------------------

    def test_rejection_never_names_a_product_outside_the_agreement(self):
        self.env["product.product"].create(
            {
                "name": "Secret Prototype",
                "default_code": "PROTO-9",
                "barcode": "00099999999999",
                "type": "consu",
                "is_storable": True,
            }
        )
        report, __ = self.receive(
            self.csv("PROTO-9,SITE-NORTH,3,", "00099999999999,SITE-NORTH,3,")
        )
        reasons = self.reasons(report)
        for ref, code in (("Row 2", "PROTO-9"), ("Row 3", "00099999999999")):
            with self.subTest(code=code):
                self.assertIn(
                    f"Unknown product code {code}: it is not a product managed under "
                    f"agreement {self.agreement.name}",
                    reasons[ref],
                )
                self.assertNotIn("Secret Prototype", reasons[ref])

    # ------------------------------------------------------------------
    # Backorders and deliveries
    # ------------------------------------------------------------------

    def test_backorder_of_a_transfer_keeps_its_agreement(self):
        transfer = self.transfer(order_mode="confirm")
        self.assertEqual(transfer.state, "assigned")
        transfer.move_ids.write({"quantity": 15.0, "picked": True})
        transfer.with_context(cancel_backorder=False)._action_done()
        backorder = transfer.backorder_ids
        self.assertEqual(
            backorder.move_ids.mapped("product_uom_qty"), [25.0, 25.0, 25.0]
        )
        self.assertEqual(
            (backorder.vmi_agreement_id, backorder.vmi_location_id),
            (self.consignment, self.site),
        )
        self.assertEqual(backorder.vmi_date_confirmed, transfer.vmi_date_confirmed)
        self.assertFalse(backorder.vmi_approval_required)
        self.assertEqual(
            backorder.move_ids.vmi_line_id,
            transfer.move_ids.vmi_line_id,
            "the rest still reserves only the agreed owner's stock",
        )
        self.assertIn(
            backorder,
            self.consignment._replenishment_documents(),
            "shown in the portal",
        )
        backorder.button_validate()
        self.assertEqual(
            backorder.vmi_shipment_notice_ids.agreement_id,
            self.consignment,
            "the rest is announced too",
        )

    def test_warehouse_user_without_sales_rights_validates_a_vmi_delivery(self):
        self.agreement.order_mode = "confirm"
        self.receive(self.csv("FURN-0001,SITE-NORTH,0,"))
        self.evaluate(self.agreement)
        delivery = self.agreement.sale_order_ids.picking_ids
        self.assertEqual(delivery.move_ids.product_uom_qty, 40.0)
        delivery.move_ids.write({"quantity": 10.0, "picked": True})
        # what the warehouse user reads is read with its rights, not from the cache
        self.env.invalidate_all()
        delivery.with_user(self.stock_user).with_context(
            cancel_backorder=False
        )._action_done()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.vmi_shipment_notice_ids.agreement_id, self.agreement)
        backorder = delivery.backorder_ids
        self.assertEqual(backorder.sale_id, self.agreement.sale_order_ids)
        self.env.invalidate_all()
        backorder.with_user(self.stock_user).button_validate()
        self.assertEqual(
            backorder.vmi_shipment_notice_ids.agreement_id,
            self.agreement,
            "the backorder of the delivery is announced as well",
        )
