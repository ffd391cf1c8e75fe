from odoo import fields, models


class VmiProposalLineMixin(models.AbstractModel):
    """What the lines of VMI proposals (sale order lines, purchase order lines, stock moves) share.

    Each line knows the agreement line it replenishes and the quantity the
    scheduler last proposed for it: a line whose quantity differs was
    changed by a planner, and later evaluations keep that change while the
    need stays within the agreement's override tolerance.
    """

    _name = "vmi.proposal.line.mixin"
    _description = "VMI Replenishment Proposal Line"

    vmi_line_id = fields.Many2one("vmi.agreement.line", string="VMI Line", index="btree_not_null",
                                  readonly=True, copy=False)
    vmi_proposed_qty = fields.Float(
        string="VMI Proposed Qty", readonly=True, copy=False, digits="Product Unit of Measure",
        help="The quantity the VMI scheduler last proposed for this line; a planner's different quantity is "
             "kept by later evaluations while the need stays within the agreement's override tolerance.",
    )
