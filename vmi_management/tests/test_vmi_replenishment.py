from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import VmiCommon


class Crash(BaseException):
    """Stands for the process dying mid-run: nothing below the scheduler catches it."""


@tagged("post_install", "-at_install")
class TestReplenishmentOrders(VmiCommon):
    """The VMI loop end to end: decisions, proposals of each kind, approval, re-runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.gloves.standard_price = 4.0
        cls.masks.standard_price = 2.0
        cls.add_stock(cls.gloves, cls.stock, 500.0)
        cls.add_stock(cls.masks, cls.stock, 500.0)

    def consignment_agreement(self, **vals):
        agreement = self.create_running_agreement(**vals)
        agreement.action_activate()
        return agreement, agreement.line_ids, agreement.line_ids.location_id

    def report_stock(
        self,
        agreement,
        product,
        site,
        on_hand,
        as_of=None,
        consumed=0.0,
        period_start=None,
    ):
        """A stock report typed in the back office, validated and applied."""
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "date_as_of": as_of or fields.Datetime.now(),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "location_id": site.id,
                            "quantity_on_hand": on_hand,
                            "quantity_consumed": consumed,
                            "date_period_start": period_start,
                        }
                    )
                ],
            }
        )
        report.action_process()
        self.assertEqual(report.state, "processed", report.line_ids.rejection_reason)
        return report

    def proposals(self, agreement, model):
        return self.env[model].search([("vmi_agreement_id", "=", agreement.id)])

    # ------------------------------------------------------------------
    # Consignment transfers (we are the vendor and keep ownership)
    # ------------------------------------------------------------------

    def test_consignment_transfer_proposed_in_draft_with_its_reasons(self):
        agreement, line, site = self.consignment_agreement()
        self.add_stock(self.gloves, site, 5.0)
        run = self.evaluate(agreement)

        transfer = self.proposals(agreement, "stock.picking")
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.state, "draft")
        self.assertEqual(transfer.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(transfer.location_id, self.stock)
        self.assertEqual(transfer.location_dest_id, site)
        self.assertEqual(transfer.vmi_location_id, site)
        self.assertIn(agreement.name, transfer.origin)
        self.assertEqual(
            transfer.move_ids.product_uom_qty,
            45.0,
            "min 10, max 50, position 5: order up to max",
        )
        self.assertEqual(transfer.move_ids.vmi_line_id, line)
        self.assertEqual(
            transfer.vmi_value, 45.0 * 4.0, "the consigned value at cost is visible"
        )

        self.assertEqual(line.last_on_hand, 5.0)
        self.assertEqual(line.last_position, 5.0)
        self.assertEqual(line.last_order_qty, 45.0)
        self.assertTrue(line.last_decision_reason)
        self.assertTrue(
            line.last_decision["steps"], "the explanation of each step is stored"
        )
        self.assertIn("<table", line.last_decision_html)
        self.assertEqual(run.line_count, 1)
        self.assertEqual(len(self.events(run, "order_created")), 1)
        self.assertEqual(self.events(run, "order_created").document_ref, transfer)

    def test_rerun_leaves_exactly_one_proposal(self):
        agreement, line, site = self.consignment_agreement()
        self.evaluate(agreement)
        second = self.evaluate(agreement)
        transfer = self.proposals(agreement, "stock.picking")
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.move_ids.product_uom_qty, 50.0)
        self.assertFalse(
            second.event_ids.filtered(lambda event: event.kind.startswith("order_")),
            "nothing to change on the second run",
        )

    def test_draft_follows_the_latest_decision_and_is_withdrawn_when_not_needed(self):
        agreement, line, site = self.consignment_agreement()
        self.add_stock(self.gloves, site, 8.0)
        self.evaluate(agreement)
        transfer = self.proposals(agreement, "stock.picking")
        self.assertEqual(transfer.move_ids.product_uom_qty, 42.0)

        self.add_stock(self.gloves, site, -6.0)
        run = self.evaluate(agreement)
        self.assertEqual(
            self.proposals(agreement, "stock.picking"),
            transfer,
            "the draft is updated, not duplicated",
        )
        self.assertEqual(transfer.move_ids.product_uom_qty, 48.0)
        self.assertEqual(len(self.events(run, "order_updated")), 1)

        self.add_stock(self.gloves, site, 30.0)
        run = self.evaluate(agreement)
        self.assertEqual(transfer.state, "cancel")
        self.assertEqual(len(self.events(run, "order_withdrawn")), 1)

    def test_confirmed_transfer_counts_as_on_order(self):
        agreement, line, site = self.consignment_agreement(order_mode="confirm")
        self.add_stock(self.gloves, site, 5.0)
        self.evaluate(agreement)
        transfer = self.proposals(agreement, "stock.picking")
        self.assertEqual(
            transfer.state, "assigned", "confirmed and reserved from our stock"
        )

        self.evaluate(agreement)
        self.assertEqual(self.proposals(agreement, "stock.picking"), transfer)
        self.assertEqual(line.last_on_order, 45.0)
        self.assertEqual(line.last_order_qty, 0.0)

        transfer.button_validate()
        self.assertEqual(transfer.state, "done")
        self.evaluate(agreement)
        self.assertEqual(self.proposals(agreement, "stock.picking"), transfer)
        self.assertEqual(line.last_on_hand, 50.0)

    def test_consignment_transfer_only_ships_our_own_stock(self):
        """Reservation would take any owner's quants; a VMI transfer takes only ours."""
        warehouse = self.env["stock.warehouse"].create({"name": "Small", "code": "SML"})
        agreement, line, site = self.consignment_agreement(
            order_mode="confirm", warehouse_id=warehouse.id
        )
        self.add_stock(self.gloves, warehouse.lot_stock_id, 10.0)
        self.add_stock(self.gloves, warehouse.lot_stock_id, 100.0, owner=self.vendor)
        self.evaluate(agreement)
        move = self.proposals(agreement, "stock.picking").move_ids
        self.assertEqual(move.quantity, 10.0)
        self.assertEqual(move.move_line_ids.owner_id, self.env["res.partner"])

    # ------------------------------------------------------------------
    # Sale orders (we are the vendor, the customer owns the stock)
    # ------------------------------------------------------------------

    def test_customer_owned_stock_waits_for_a_stock_report(self):
        agreement, line, site = self.consignment_agreement(ownership="customer_owned")
        run = self.evaluate(agreement)
        self.assertFalse(self.proposals(agreement, "sale.order"))
        self.assertIn("no stock level", self.events(run, "skipped").message)

    def test_sale_order_delivered_to_the_site(self):
        agreement, line, site = self.consignment_agreement(
            ownership="customer_owned", order_mode="confirm"
        )
        self.report_stock(
            agreement,
            self.gloves,
            site,
            4.0,
            as_of=fields.Datetime.now() - timedelta(hours=1),
        )
        self.evaluate(agreement)
        order = self.proposals(agreement, "sale.order")
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.partner_shipping_id, site.vmi_partner_id)
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(order.client_order_ref, agreement.name)
        self.assertEqual(order.order_line.product_uom_qty, 46.0)
        self.assertEqual(order.order_line.vmi_line_id, line)
        delivery = order.picking_ids
        self.assertEqual(
            delivery.move_ids.location_dest_id, site, "delivered to the site location"
        )

        self.evaluate(agreement)
        self.assertEqual(
            self.proposals(agreement, "sale.order"),
            order,
            "the open delivery counts as on order",
        )
        self.assertEqual(line.last_on_order, 46.0)

        delivery.move_ids.quantity = 46.0
        delivery.button_validate()
        self.assertEqual(order.order_line.qty_delivered, 46.0)
        self.evaluate(agreement)
        self.assertEqual(
            self.proposals(agreement, "sale.order"),
            order,
            "delivered after the last report: still counted until the customer "
            "reports again",
        )
        self.report_stock(agreement, self.gloves, site, 50.0)
        self.evaluate(agreement)
        self.assertEqual(line.last_on_hand, 50.0)
        self.assertEqual(line.last_on_order, 0.0)
        self.assertEqual(self.proposals(agreement, "sale.order"), order)

    def test_reported_consumption_drives_days_of_supply(self):
        agreement, line, site = self.consignment_agreement(ownership="customer_owned")
        line.write(
            {"policy": "days_of_supply", "target_days": 5.0, "lead_time_days": 2.0}
        )
        self.env["ir.config_parameter"].set_param("vmi_management.history_days", 10)
        today = fields.Date.today()
        self.report_stock(
            agreement,
            self.gloves,
            site,
            4.0,
            consumed=30.0,
            as_of=fields.Datetime.now() - timedelta(days=1),
            period_start=today - timedelta(days=10),
        )
        self.evaluate(agreement)
        self.assertAlmostEqual(line.last_demand_rate, 3.0, places=6)
        self.assertEqual(
            line.last_order_qty,
            17.0,
            "up to 3/day × (2 + 5) days = 21, from position 4",
        )

    # ------------------------------------------------------------------
    # Purchase orders (we are the customer; our vendor manages our stock)
    # ------------------------------------------------------------------

    def test_purchase_order_to_the_vendor_receives_consigned_stock(self):
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor.id,
                "product_tmpl_id": self.gloves.product_tmpl_id.id,
                "price": 3.0,
            }
        )
        agreement, line, site = self.consignment_agreement(
            partner_id=self.vendor.id, role="customer", order_mode="confirm"
        )
        self.add_stock(self.gloves, site, 3.0, owner=self.vendor)
        self.add_stock(self.gloves, site, 20.0)  # ours: not the vendor's managed stock
        self.evaluate(agreement)
        order = self.proposals(agreement, "purchase.order")
        self.assertEqual(order.partner_id, self.vendor)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.order_line.product_qty, 47.0)
        self.assertEqual(order.order_line.price_unit, 3.0)
        receipt = order.picking_ids
        self.assertEqual(receipt.location_dest_id, site)
        self.assertEqual(
            receipt.owner_id,
            self.vendor,
            "consigned receipts carry the vendor as owner",
        )
        receipt.button_validate()
        self.assertEqual(
            agreement._read_site_stock()[agreement.id, self.gloves.id, site.id], 50.0
        )

    # ------------------------------------------------------------------
    # Approval, errors, conflicts
    # ------------------------------------------------------------------

    def test_orders_above_the_threshold_wait_for_a_manager(self):
        agreement, line, site = self.consignment_agreement(
            ownership="customer_owned", order_mode="confirm", approval_threshold=100.0
        )
        self.report_stock(agreement, self.gloves, site, 0.0)
        run = self.evaluate(agreement)
        order = self.proposals(agreement, "sale.order")
        self.assertEqual(order.state, "draft", "worth 500, above the threshold of 100")
        self.assertTrue(order.vmi_approval_required)
        self.assertTrue(order.activity_ids)
        self.assertEqual(len(self.events(run, "awaiting_approval")), 1)

        salesman = new_test_user(
            self.env,
            "vmi_salesman",
            groups=(
                "vmi_management.group_vmi_user,sales_team.group_sale_salesman_all_leads"
            ),
        )
        with self.assertRaisesRegex(UserError, "a VMI Manager must approve"):
            order.with_user(salesman).action_confirm()
        manager = new_test_user(
            self.env,
            "vmi_sales_manager",
            groups=(
                "vmi_management.group_vmi_manager,sales_team.group_sale_salesman_all_leads"
            ),
        )
        order.with_user(manager).action_vmi_approve()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.vmi_approval_required)

    def test_failing_agreement_is_logged_and_others_proceed(self):
        unpriced = self.env["product.product"].create(
            {
                "name": "Free sample",
                "type": "consu",
                "is_storable": True,
                "list_price": 0.0,
            }
        )
        self.add_stock(unpriced, self.warehouse.lot_stock_id, 100.0)
        broken, broken_line, broken_site = self.consignment_agreement(
            ownership="customer_owned"
        )
        broken_line.product_id = unpriced
        self.report_stock(broken, unpriced, broken_site, 0.0)
        healthy, healthy_line, healthy_site = self.consignment_agreement(
            partner_id=self.other_customer.id
        )

        run = self.evaluate(broken | healthy)
        error = self.events(run, "error")
        self.assertEqual(error.agreement_id, broken)
        self.assertIn("has no sales price", error.message)
        self.assertFalse(self.proposals(broken, "sale.order"))
        self.assertEqual(len(self.proposals(healthy, "stock.picking")), 1)
        self.assertEqual(
            broken_line.last_order_qty, 50.0, "the decision itself is still recorded"
        )

    def test_product_without_route_is_logged_and_others_proceed(self):
        warehouse = self.env["stock.warehouse"].create(
            {"name": "No Delivery", "code": "NOD"}
        )
        warehouse.delivery_route_id.rule_ids.active = False
        self.add_stock(self.gloves, warehouse.lot_stock_id, 100.0)
        broken, broken_line, broken_site = self.consignment_agreement(
            ownership="customer_owned", order_mode="confirm", warehouse_id=warehouse.id
        )
        self.report_stock(broken, self.gloves, broken_site, 0.0)
        healthy, healthy_line, healthy_site = self.consignment_agreement(
            partner_id=self.other_customer.id
        )

        run = self.evaluate(broken | healthy)
        self.assertIn(
            "No rule has been found to replenish", self.events(run, "error").message
        )
        self.assertFalse(
            self.proposals(broken, "sale.order"),
            "the failed agreement's order is rolled back",
        )
        self.assertEqual(len(self.proposals(healthy, "stock.picking")), 1)

    def test_reordering_rule_on_the_same_product_and_site_is_reported(self):
        agreement, line, site = self.consignment_agreement()
        rule = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.gloves.id,
                "location_id": site.id,
                "warehouse_id": self.warehouse.id,
                "product_min_qty": 1.0,
                "product_max_qty": 5.0,
            }
        )
        run = self.evaluate(agreement)
        self.assertFalse(self.proposals(agreement, "stock.picking"))
        self.assertIn("reordering rule", self.events(run, "skipped").message)
        self.assertEqual(line.reordering_rule_id, rule)

    def test_pilot_replenishes_only_its_scope(self):
        agreement = self.create_running_agreement()
        agreement.line_ids = [
            Command.create(self.line_vals(agreement, product_id=self.masks.id))
        ]
        agreement.line_ids[0].in_pilot_scope = True
        agreement.action_start_pilot()
        run = self.evaluate(agreement)
        self.assertEqual(run.line_count, 1)
        self.assertEqual(
            self.proposals(agreement, "stock.picking").move_ids.product_id, self.gloves
        )

    def test_consumption_history_and_lead_time_from_odoo(self):
        agreement, line, site = self.consignment_agreement()
        line.write({"policy": "days_of_supply", "target_days": 5.0})
        self.gloves.sale_delay = 2
        self.env["ir.config_parameter"].set_param("vmi_management.history_days", 10)
        customer_location = self.env.ref("stock.stock_location_customers")
        self.add_stock(self.gloves, site, 34.0)
        now = fields.Datetime.now()
        for days_ago in range(1, 11):
            move = self.env["stock.move"].create(
                {
                    "name": "consumption",
                    "product_id": self.gloves.id,
                    "product_uom_qty": 3.0,
                    "location_id": site.id,
                    "location_dest_id": customer_location.id,
                }
            )
            move._action_confirm()
            move._action_assign()
            move.quantity = 3.0
            move.picked = True
            move._action_done()
            move.move_line_ids.date = move.date = now - timedelta(days=days_ago)
        self.evaluate(agreement)
        self.assertAlmostEqual(line.last_demand_rate, 3.0, places=6)
        self.assertEqual(
            line.last_decision["sources"]["lead_time"],
            "customer lead time and sales security lead",
        )
        self.assertEqual(
            line.last_order_qty,
            17.0,
            "4 on hand after consuming 30: up to 3 × (2 + 5) = 21",
        )

    # ------------------------------------------------------------------
    # Scheduler: batches, schedule, crash and resume, multi-company
    # ------------------------------------------------------------------

    def test_scheduler_evaluates_due_agreements_and_plans_the_next_day(self):
        agreement, line, site = self.consignment_agreement(review_interval_days=2)
        self.env["vmi.replenishment"]._cron_evaluate()
        self.assertEqual(len(self.proposals(agreement, "stock.picking")), 1)
        self.assertEqual(
            agreement.date_next_evaluation.date(),
            fields.Date.today() + timedelta(days=2),
        )
        runs_before = self.env["vmi.replenishment.run"].search_count([])
        self.env["vmi.replenishment"]._cron_evaluate()
        self.assertEqual(
            self.env["vmi.replenishment.run"].search_count([]),
            runs_before,
            "not due again before its next review day",
        )

    def test_weekday_schedule(self):
        agreement = self.create_agreement(
            replenishment_frequency="weekdays", review_tuesday=True, review_friday=True
        )
        monday = fields.Datetime.to_datetime("2026-11-23 14:00:00")
        self.assertEqual(
            agreement._next_evaluation_after(monday),
            fields.Datetime.to_datetime("2026-11-24"),
        )
        friday = fields.Datetime.to_datetime("2026-11-27 08:00:00")
        self.assertEqual(
            agreement._next_evaluation_after(friday),
            fields.Datetime.to_datetime("2026-12-01"),
        )

    def test_crash_mid_run_then_resume(self):
        first, __, __ = self.consignment_agreement()
        second, __, __ = self.consignment_agreement(partner_id=self.other_customer.id)
        Replenishment = type(self.env["vmi.replenishment"])
        with patch("odoo.addons.vmi_management.models.vmi_replenishment.BATCH_SIZE", 1):
            self.env[
                "vmi.replenishment"
            ]._cron_evaluate()  # first batch: committed by the cron
            with (
                patch.object(Replenishment, "_write_decisions", side_effect=Crash),
                self.assertRaises(Crash),
                self.env.cr.savepoint(),
            ):
                self.env[
                    "vmi.replenishment"
                ]._cron_evaluate()  # second batch dies: rolled back
            self.assertEqual(len(self.proposals(first, "stock.picking")), 1)
            self.assertFalse(
                self.proposals(second, "stock.picking"),
                "nothing of the crashed batch remains",
            )
            self.env[
                "vmi.replenishment"
            ]._cron_evaluate()  # resumes with what is still due
            self.env["vmi.replenishment"]._cron_evaluate()
        self.assertEqual(len(self.proposals(first, "stock.picking")), 1)
        self.assertEqual(len(self.proposals(second, "stock.picking")), 1)
        self.assertEqual(
            self.proposals(second, "stock.picking").move_ids.product_uom_qty, 50.0
        )

    def test_each_company_replenishes_from_its_own_warehouse(self):
        company_b = self.env["res.company"].create({"name": "Vendor B"})
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)]
        )
        gloves_b = self.gloves  # shared product, no company
        self.add_stock(gloves_b, warehouse_b.lot_stock_id, 100.0)
        agreement_a, __, __ = self.consignment_agreement()
        agreement_b = (
            self.env["vmi.agreement"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "role": "vendor",
                    "ownership": "consignment",
                    "company_id": company_b.id,
                    "warehouse_id": warehouse_b.id,
                }
            )
        )
        agreement_b.action_create_site_locations()
        agreement_b.line_ids = [
            Command.create(self.line_vals(agreement_b, product_id=gloves_b.id))
        ]
        agreement_b.action_activate()
        self.env["vmi.replenishment"]._cron_evaluate()
        transfer_a = self.proposals(agreement_a, "stock.picking")
        transfer_b = self.proposals(agreement_b, "stock.picking")
        self.assertEqual(transfer_a.company_id, self.company)
        self.assertEqual(transfer_b.company_id, company_b)
        self.assertEqual(transfer_b.location_id, warehouse_b.lot_stock_id)
        self.assertEqual(transfer_b.location_dest_id.company_id, company_b)
        user_b = new_test_user(
            self.env,
            "vmi_b",
            groups="vmi_management.group_vmi_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        events = self.env["vmi.replenishment.run.event"].with_user(user_b).search([])
        self.assertEqual(
            events.agreement_id, agreement_b, "each company sees only its own log"
        )
