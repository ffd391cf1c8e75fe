from odoo import fields, models


class VmiProposalLineMixin(models.AbstractModel):
    """What the lines of VMI proposals (sale order lines, purchase order lines, stock
    moves) share.

    Each line knows the agreement line it replenishes and the quantity the
    scheduler last proposed for it: a line whose quantity differs was
    changed by a planner, and later evaluations keep that change while the
    need stays within the agreement's override tolerance. It also keeps the
    reason of the decision that set its quantity, so "why this quantity?"
    is answered where the order is, with a link to the decision's steps.
    """

    _name = "vmi.proposal.line.mixin"
    _description = "VMI Replenishment Proposal Line"

    vmi_line_id = fields.Many2one(
        "vmi.agreement.line",
        string="VMI Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    vmi_warehouse_id = fields.Many2one(
        related="vmi_line_id.agreement_id.warehouse_id",
        string="VMI Warehouse",
        help="The warehouse of the VMI line's agreement: the one a delivery ships "
        "from, or a purchase is received in.",
    )
    vmi_proposed_qty = fields.Float(
        string="VMI Proposed Qty",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="The quantity the VMI scheduler last proposed for this line; a planner's "
        "different quantity is kept by later evaluations while the need stays within "
        "the agreement's override tolerance.",
    )
    vmi_reason = fields.Char(
        string="VMI Reason",
        readonly=True,
        copy=False,
        help="Why the VMI evaluation that last set this line's quantity ordered it: "
        "the decision's reason. Its steps are on the VMI line (Why this quantity?).",
    )

    def _vmi_decision_line(self):
        """The agreement line whose decision set this line's quantity."""
        return self.vmi_line_id

    def action_vmi_open_decision(self):
        """Open the decision steps of the agreement line this line replenishes ("Why
        this quantity?")."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Why this quantity?"),
            "res_model": "vmi.agreement.line",
            "res_id": self._vmi_decision_line().id,
            "views": [
                (self.env.ref("vmi_management.vmi_agreement_line_view_form").id, "form")
            ],
            "target": "new",
        }
