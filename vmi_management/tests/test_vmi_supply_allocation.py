from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common import VmiCommon

MODULE = "odoo.addons.vmi_management.models.vmi_replenishment"


@tagged("post_install", "-at_install")
class TestSupplyAllocation(VmiCommon):
    """A short shipping warehouse is shared among all the agreements of a run, by
    priority then fairly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.short_warehouse = cls.env["stock.warehouse"].create(
            {"name": "Short", "code": "SHORT"}
        )
        cls.stock = cls.short_warehouse.lot_stock_id
        cls.Replenishment = cls.env["vmi.replenishment"]
        cls.cron = cls.env.ref("vmi_management.ir_cron_vmi_replenishment")

    def running_agreement(self, name, **vals):
        """A running consignment agreement with one gloves line, min 10 and max 50,
        nothing at its site."""
        partner = self.env["res.partner"].create({"name": name, "is_company": True})
        agreement = self.create_running_agreement(
            partner_id=partner.id, warehouse_id=self.short_warehouse.id, **vals
        )
        agreement.action_activate()
        return agreement

    def ordered(self, agreement):
        """What the agreement's open proposal orders of gloves."""
        moves = (
            self.env["stock.picking"]
            .search([("vmi_agreement_id", "=", agreement.id)])
            .move_ids
        )
        return sum(
            moves.filtered(lambda move: move.product_id == self.gloves).mapped(
                "product_uom_qty"
            )
        )

    def run_cron_in_batches_of_two(self, calls=2):
        with patch(f"{MODULE}.BATCH_SIZE", 2):
            for __ in range(calls):
                cron, progress = self.cron._add_progress()
                self.Replenishment.with_context(
                    cron_id=cron.id, ir_cron_progress_id=progress.id
                )._cron_evaluate()

    def test_a_short_warehouse_is_shared_fairly_across_batches(self):
        agreements = [
            self.running_agreement(name) for name in ("North", "South", "East")
        ]
        self.add_stock(self.gloves, self.stock, 60.0)
        self.run_cron_in_batches_of_two()
        self.assertEqual(
            [self.ordered(agreement) for agreement in agreements],
            [20, 20, 20],
            "60 for three lines needing 50 each: 20 each, though they were evaluated "
            "in two batches",
        )
        line = agreements[2].line_ids
        self.assertEqual(line.last_order_qty, 20)
        self.assertIn(
            "allocated 20 of 50: warehouse short (60 available for 150 needed)",
            line.last_decision_reason,
        )
        self.assertEqual(line.last_decision["steps"][-1]["name"], "after allocation")
        self.assertIn("supply_short", line.last_decision["flags"])
        exception = self.env["vmi.exception"].search(
            [("line_id", "=", line.id), ("kind", "=", "supply_short")]
        )
        self.assertEqual(exception.state, "open")
        allocations = self.env["vmi.supply.allocation"].search(
            [("line_id", "in", [a.line_ids.id for a in agreements])]
        )
        self.assertEqual(allocations.mapped("allotted_qty"), [20, 20, 20])
        self.assertEqual(set(allocations.mapped("short_qty")), {30})
        self.assertEqual(set(allocations.mapped("state")), {"applied"})
        self.assertEqual(
            allocations.plan_id.state, "done", "the run is over: its plan is closed"
        )

    def test_a_higher_priority_is_served_in_full_first(self):
        north, south = self.running_agreement("North"), self.running_agreement("South")
        east = self.running_agreement("East", supply_priority="0")
        self.add_stock(self.gloves, self.stock, 60.0)
        self.run_cron_in_batches_of_two()
        self.assertEqual(
            [self.ordered(agreement) for agreement in (north, south, east)], [5, 5, 50]
        )
        self.assertIn("tier 0 served in full", east.line_ids.last_decision_reason)

    def test_pack_multiples_and_the_moq_hold_under_allocation(self):
        north = self.running_agreement("North")
        north.line_ids.write({"pack_multiple": 12.0, "max_qty": 60.0})
        south = self.running_agreement("South")
        south.line_ids.moq = 30.0
        self.add_stock(self.gloves, self.stock, 40.0)
        self.run_cron_in_batches_of_two(calls=1)
        # 40 for needs of 60 (North, packs of 12) and 50 (South, MOQ 30): South's fair
        # share (18) is below its MOQ, so South gets nothing and North what it can in
        # whole packs: 36
        self.assertEqual((self.ordered(north), self.ordered(south)), (36, 0))
        self.assertIn("below the MOQ 30", south.line_ids.last_decision_reason)

    def test_ample_stock_changes_nothing(self):
        agreements = [
            self.running_agreement(name) for name in ("North", "South", "East")
        ]
        self.add_stock(self.gloves, self.stock, 1000.0)
        self.run_cron_in_batches_of_two()
        self.assertEqual(
            [self.ordered(agreement) for agreement in agreements], [50, 50, 50]
        )
        self.assertFalse(
            self.env["vmi.supply.allocation"].search(
                [("agreement_id", "in", [a.id for a in agreements])]
            )
        )
        self.assertNotIn("warehouse", agreements[0].line_ids.last_decision_reason)

    def test_the_steps_of_a_run_trust_the_pools_its_plan_found_ample(self):
        agreements = [
            self.running_agreement(name) for name in ("North", "South", "East")
        ]
        self.add_stock(self.gloves, self.stock, 1000.0)
        Pool = type(self.env["vmi.supply.pool"])
        read_supply = Pool._supply
        asked = []

        def supply(pool, keys, now, deciding=None):
            asked.append(set(keys))
            return read_supply(pool, keys, now, deciding)

        with patch.object(Pool, "_supply", supply):
            self.run_cron_in_batches_of_two()
        key = (self.short_warehouse.id, self.gloves.id)
        plan = self.env["vmi.supply.plan"].search([], limit=1)
        self.assertIn(list(key), plan.ample_pools)
        self.assertIn(key, asked[0], "the plan reads the pool's supply once")
        self.assertFalse(
            [keys for keys in asked[1:] if key in keys],
            "the steps trust the plan: 1,000 cover the 150 the lines could order",
        )
        self.assertEqual(
            [self.ordered(agreement) for agreement in agreements], [50, 50, 50]
        )

    def test_an_open_proposal_of_another_agreement_holds_its_stock(self):
        north, south = self.running_agreement("North"), self.running_agreement("South")
        self.add_stock(self.gloves, self.stock, 60.0)
        self.evaluate(north)
        self.assertEqual(self.ordered(north), 50)
        self.evaluate(south)
        self.assertEqual(
            self.ordered(south), 10, "the 50 of North's draft are not promised twice"
        )
        self.assertEqual(
            self.ordered(north),
            50,
            "an evaluation of another agreement leaves North's proposal alone",
        )

    def test_stock_already_promised_to_deliveries_is_not_available(self):
        north = self.running_agreement("North")
        self.add_stock(self.gloves, self.stock, 60.0)
        delivery = self.env["sale.order"].create(
            {
                "partner_id": self.other_customer.id,
                "warehouse_id": self.short_warehouse.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.gloves.id, "product_uom_qty": 45.0}
                    )
                ],
            }
        )
        delivery.action_confirm()
        self.evaluate(north)
        self.assertEqual(self.ordered(north), 15)

    def test_consigned_stock_of_others_in_the_warehouse_is_not_ours_to_ship(self):
        north = self.running_agreement("North")
        self.add_stock(self.gloves, self.stock, 30.0)
        self.add_stock(self.gloves, self.stock, 100.0, owner=self.vendor)
        self.evaluate(north)
        self.assertEqual(self.ordered(north), 30)

    def test_fraction_mode_and_no_cap(self):
        north, south = self.running_agreement("North"), self.running_agreement("South")
        north.line_ids.write({"min_qty": 30.0, "max_qty": 100.0})
        self.add_stock(self.gloves, self.stock, 75.0)
        self.env["ir.config_parameter"].sudo().set_param(
            "vmi_management.fair_share_mode", "fraction"
        )
        self.run_cron_in_batches_of_two(calls=1)
        self.assertEqual(
            (self.ordered(north), self.ordered(south)), (50, 25), "half of each need"
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "vmi_management.fair_share_mode", "none"
        )
        self.evaluate(north | south)
        self.assertEqual(
            (self.ordered(north), self.ordered(south)),
            (100, 50),
            "orders what each line needs",
        )

    def test_the_mirror_role_is_never_capped_by_our_warehouse(self):
        agreement = self.create_running_agreement(
            partner_id=self.vendor.id,
            role="customer",
            ownership="customer_owned",
            warehouse_id=self.short_warehouse.id,
        )
        agreement.action_activate()
        run = self.evaluate(agreement)
        self.assertEqual(
            agreement.line_ids.last_order_qty, 50, run.event_ids.mapped("message")
        )

    def test_the_warehouse_reordering_rule_sees_what_vmi_customers_need(self):
        north, south = self.running_agreement("North"), self.running_agreement("South")
        self.add_stock(self.gloves, self.stock, 60.0)
        rule = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.gloves.id,
                "location_id": self.stock.id,
                "warehouse_id": self.short_warehouse.id,
                "product_min_qty": 0.0,
                "product_max_qty": 0.0,
                "trigger": "manual",
            }
        )
        self.assertEqual((rule.qty_forecast, rule.qty_to_order), (60, 0))
        self.run_cron_in_batches_of_two(calls=1)
        # two draft transfers of 30 each, and 20 more each the warehouse was too short
        # to allocate
        self.assertEqual(
            [self.ordered(agreement) for agreement in (north, south)], [30, 30]
        )
        self.assertEqual(north.line_ids.last_unallocated_qty, 20)
        rule.invalidate_recordset()
        self.assertEqual(
            (rule.vmi_demand_qty, rule.qty_forecast, rule.qty_to_order), (100, -40, 40)
        )

    def test_the_replenishment_report_lists_what_only_vmi_customers_need(self):
        north = self.running_agreement("North")
        self.add_stock(self.gloves, self.stock, 30.0)
        self.evaluate(north)
        self.assertEqual(
            (self.ordered(north), north.line_ids.last_unallocated_qty), (30, 20)
        )
        Rule = self.env["stock.warehouse.orderpoint"]
        self.assertFalse(
            Rule.search(
                [
                    ("product_id", "=", self.gloves.id),
                    ("location_id", "=", self.stock.id),
                ]
            )
        )
        Rule.with_context(
            allowed_company_ids=self.env.company.ids
        )._get_orderpoint_action()
        rule = Rule.search(
            [("product_id", "=", self.gloves.id), ("location_id", "=", self.stock.id)]
        )
        self.assertEqual(
            (rule.trigger, rule.vmi_demand_qty, rule.qty_to_order), ("manual", 50, 20)
        )
