from odoo import api, fields, models


class StockMove(models.Model):
    _name = "stock.move"
    _inherit = ["stock.move", "vmi.proposal.line.mixin"]

    vmi_stock_report_id = fields.Many2one(
        "vmi.stock.report",
        string="VMI Stock Report",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The customer report this inventory adjustment or consumption applied.",
    )
    # A count made a month after the previous one reveals a month of consumption in one
    # move: the demand history spreads it over the days it happened rather than the day
    # the count arrived.
    vmi_consumption_start = fields.Datetime(
        string="Consumed From",
        readonly=True,
        copy=False,
        help="For consumption a customer report revealed: when it began. The as-of of "
        "the previous count of the product at the site, or the start of the period "
        "reported.",
    )
    vmi_consumption_end = fields.Datetime(
        string="Consumed Until",
        readonly=True,
        copy=False,
        help="For consumption a customer report revealed: when it ended. The count's "
        "as-of, or the end of the period of sales reported.",
    )

    # A delivery of a VMI sale order is made by Odoo's rules, not by the evaluation: it
    # carries the reason (procurement values) but not the agreement line, whose owner
    # rules would restrict what the warehouse may ship. Its decision is reached through
    # the sale order line.
    vmi_decision_line_id = fields.Many2one(
        "vmi.agreement.line",
        string="VMI Decision Line",
        compute="_compute_vmi_decision_line_id",
        compute_sudo=True,
    )

    @api.depends("vmi_line_id", "sale_line_id.vmi_line_id")
    def _compute_vmi_decision_line_id(self):
        for move in self:
            move.vmi_decision_line_id = (
                move.vmi_line_id or move.sale_line_id.vmi_line_id
            )

    def _vmi_decision_line(self):
        return self.vmi_decision_line_id

    def _prepare_move_split_vals(self, qty):
        """The rest of a partly done move (a backorder's move) is still for the same
        agreement line, so it still reserves only the agreed owner's stock, and its
        quantity has the same reason."""
        return {
            **super()._prepare_move_split_vals(qty),
            "vmi_line_id": self.vmi_line_id.id,
            "vmi_reason": self.vmi_reason,
        }

    def _vmi_owner_context(self):
        """Reserve only stock of the owner the agreement manages.

        Odoo's reservation takes any owner's quants at the source location, so
        a consignment transfer could otherwise ship stock that a third party
        consigned to us. The quant gathering reads the allowed owners from
        this context key.
        """
        if not self.vmi_line_id:
            return self
        return self.with_context(
            vmi_stock_owner_values=self.vmi_line_id.agreement_id._get_stock_owner_values()
        )

    def _update_reserved_quantity(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        return super(StockMove, self._vmi_owner_context())._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    def _get_available_quantity(
        self,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        allow_negative=False,
    ):
        return super(StockMove, self._vmi_owner_context())._get_available_quantity(
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            allow_negative=allow_negative,
        )
