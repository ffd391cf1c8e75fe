from odoo import api, fields, models


class StockPicking(models.Model):
    """Replenishment transfers to customer sites where we, the vendor, keep consigned
    stock."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "vmi.proposal.mixin"]
    _vmi_line_field = "move_ids"
    _vmi_qty_field = "product_uom_qty"
    _vmi_open_states = ("draft",)
    _vmi_date_field = "scheduled_date"

    vmi_date_confirmed = fields.Datetime(
        string="Confirmed On",
        readonly=True,
        copy=False,
        help="When the transfer left draft: where its lead time starts.",
    )
    vmi_shipment_notice_ids = fields.One2many(
        "vmi.shipment.notice", "picking_id", string="Shipment Notices"
    )
    vmi_replenishment = fields.Boolean(
        string="VMI Replenishment",
        compute="_compute_vmi_replenishment",
        compute_sudo=True,
        help="This transfer replenishes a VMI site: its own agreement's, or its VMI "
        "sale order's delivery.",
    )
    vmi_currency_id = fields.Many2one(
        related="company_id.currency_id", string="VMI Currency"
    )
    vmi_value = fields.Monetary(
        string="Consigned Value",
        compute="_compute_vmi_value",
        currency_field="vmi_currency_id",
        help="Value at cost of the stock this transfer consigns at the customer's "
        "site: it stays in our books until the customer consumes it.",
    )

    @api.depends(
        "move_ids.product_uom_qty",
        "move_ids.product_id.standard_price",
        "vmi_agreement_id",
    )
    def _compute_vmi_value(self):
        for picking in self:
            picking.vmi_value = (
                sum(
                    move.product_qty * move.product_id.standard_price
                    for move in picking.move_ids
                )
                if picking.vmi_agreement_id
                else 0.0
            )

    @api.depends("vmi_agreement_id", "sale_id.vmi_agreement_id")
    def _compute_vmi_replenishment(self):
        for picking in self:
            picking.vmi_replenishment = bool(picking._vmi_shipment_agreement())

    def action_confirm(self):
        self._vmi_check_approval()
        self.filtered(
            lambda picking: picking.state == "draft"
        ).vmi_date_confirmed = fields.Datetime.now()
        return super().action_confirm()

    def _create_backorder(self, backorder_moves=None):
        """A backorder delivers the rest of the same replenishment: it keeps the
        agreement, site, approval state and confirmation date, which a copy leaves out
        (a duplicate is not the proposal).

        They are set once the backorder holds its moves, out of draft, so it
        never counts as a second open proposal for the site.
        """
        backorders = super()._create_backorder(backorder_moves=backorder_moves)
        for backorder in backorders.filtered("backorder_id.vmi_agreement_id"):
            original = backorder.backorder_id
            backorder.write(
                {
                    "vmi_agreement_id": original.vmi_agreement_id.id,
                    "vmi_location_id": original.vmi_location_id.id,
                    "vmi_approval_required": original.vmi_approval_required,
                    "vmi_date_confirmed": original.vmi_date_confirmed,
                }
            )
        return backorders

    def _vmi_date_confirmed(self):
        """When the replenishment this transfer delivers was confirmed: its sale or
        purchase order's confirmation, or the transfer's own (its creation, for one made
        confirmed)."""
        self.ensure_one()
        if self.sale_id.state == "sale" and self.sale_id.date_order:
            return self.sale_id.date_order
        if self.purchase_id.date_approve:
            return self.purchase_id.date_approve
        return self.vmi_date_confirmed or self.create_date

    def _action_done(self):
        """Validate, then send the shipment notices of VMI shipments.

        A transfer waiting for VMI approval is never done, by whatever path.
        The notice is the system's: the warehouse user who validates may have
        no rights on sale orders or agreements, so what it needs of them is
        read as superuser, on these transfers only.
        """
        self._vmi_check_approval()
        result = super()._action_done()
        shipments = self.sudo().filtered(
            lambda picking: picking.state == "done" and picking._vmi_shipment_site()
        )
        if shipments:
            self.env["vmi.shipment.notice"].sudo()._create_for_pickings(shipments)
        return result

    def _vmi_shipment_agreement(self):
        """The agreement of this transfer: its own (consignment) or its sale order's
        (delivery)."""
        self.ensure_one()
        return self.vmi_agreement_id or self.sale_id.vmi_agreement_id

    def _vmi_shipment_site(self):
        """The customer site this transfer delivered under an agreement where we are the
        vendor, if any."""
        self.ensure_one()
        agreement = self._vmi_shipment_agreement()
        if agreement.role != "vendor":
            return self.env["stock.location"]
        return (
            self.location_dest_id | self.move_ids.location_dest_id
        ) & agreement.location_ids

    def _vmi_prepare_vals(self, agreement, site):
        warehouse = agreement.warehouse_id
        return {
            "picking_type_id": warehouse.with_context(active_test=False).int_type_id.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": site.id,
            "partner_id": site.vmi_partner_id.id or agreement.partner_id.id,
            "company_id": agreement.company_id.id,
            "user_id": agreement.user_id.id,
            "origin": agreement._vmi_origin(site),
            "vmi_agreement_id": agreement.id,
            "vmi_location_id": site.id,
        }

    def _vmi_prepare_line_vals(self, agreement_line, quantity, reason=False):
        """A move of this transfer, given what it takes from the transfer as Odoo's
        stock rules give it (type, partner, priority, origin), so that nothing is left
        to compute per move."""
        return {
            **super()._vmi_prepare_line_vals(agreement_line, quantity, reason),
            "name": agreement_line.product_id.display_name,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "company_id": self.company_id.id,
            "picking_type_id": self.picking_type_id.id,
            "partner_id": self.partner_id.id,
            "priority": self.priority,
            "origin": self.origin,
        }

    def _vmi_amount(self):
        return self.vmi_value

    def _vmi_confirm(self):
        self.action_confirm()
        return self.action_assign()

    def _vmi_cancel(self):
        return self.action_cancel()
