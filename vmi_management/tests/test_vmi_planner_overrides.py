from odoo.tests import Form, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestPlannerOverrides(VmiCommon):
    """A planner's quantity on a draft proposal survives later evaluations until the
    need moves beyond tolerance."""

    def setUp(self):
        super().setUp()
        self.agreement = (
            self.create_running_agreement()
        )  # consignment: draft transfers, min 10 / max 50
        self.agreement.action_activate()
        self.line = self.agreement.line_ids

    def proposal_move(self):
        return (
            self.env["stock.picking"]
            .search([("vmi_agreement_id", "=", self.agreement.id)])
            .move_ids
        )

    def test_the_planners_quantity_survives_a_rerun_until_the_need_moves(self):
        self.evaluate(self.agreement)
        move = self.proposal_move()
        self.assertEqual((move.product_uom_qty, move.vmi_proposed_qty), (50, 50))
        with (
            Form(move.picking_id.with_user(self.vmi_manager)) as transfer,
            transfer.move_ids_without_package.edit(0) as line,
        ):
            line.product_uom_qty = 30

        self.evaluate(self.agreement)
        self.assertEqual(
            self.proposal_move().product_uom_qty, 30, "kept: the need is still 50"
        )
        self.assertEqual(self.line.last_order_qty, 30)
        step = self.line.last_decision["steps"][-1]
        self.assertEqual(step["name"], "planner override")
        self.assertEqual(
            step["note"],
            "the planner's 30 kept (proposed 50, now 50: moved 0 %, within 20 %)",
        )

        self.line.max_qty = 58  # the need moves by 16 %: still within 20 %
        self.evaluate(self.agreement)
        self.assertEqual(self.proposal_move().product_uom_qty, 30)

        self.line.max_qty = (
            80  # 60 % away from what the planner changed: a new situation
        )
        self.evaluate(self.agreement)
        move = self.proposal_move()
        self.assertEqual((move.product_uom_qty, move.vmi_proposed_qty), (80, 80))
        self.assertIn(
            "the planner's 30 replaced (proposed 50, now 80: moved 60 %, beyond 20 %)",
            self.line.last_decision_reason,
        )

    def test_on_a_sale_order_too(self):
        agreement = self.create_running_agreement(
            ownership="customer_owned", partner_id=self.other_customer.id
        )
        agreement.action_activate()
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.gloves.id,
                            "location_id": agreement.location_ids.id,
                            "quantity_on_hand": 0.0,
                        },
                    )
                ],
            }
        )
        report.action_process()
        self.evaluate(agreement)
        order_line = agreement.sale_order_ids.order_line
        order_line.product_uom_qty = 60
        self.evaluate(agreement)
        self.assertEqual(agreement.sale_order_ids.order_line.product_uom_qty, 60)
        self.assertIn("the planner's 60 kept", agreement.line_ids.last_decision_reason)
