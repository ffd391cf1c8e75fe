from odoo import models


class PurchaseOrder(models.Model):
    """Purchase orders proposed by VMI agreements where our vendor manages our stock."""

    _name = "purchase.order"
    _inherit = ["purchase.order", "vmi.proposal.mixin"]
    _vmi_line_field = "order_line"
    _vmi_qty_field = "product_qty"
    _vmi_open_states = ("draft", "sent")
    _vmi_date_field = "date_planned"

    def button_confirm(self):
        self._vmi_check_approval()
        return super().button_confirm()

    def button_approve(self, force=False):
        """Odoo's purchase approval confirms a draft as well, from any state: never one
        waiting for VMI's."""
        self._vmi_check_approval()
        return super().button_approve(force=force)

    def _vmi_prepare_vals(self, agreement, site):
        return {
            "partner_id": agreement.commercial_partner_id.id,
            "company_id": agreement.company_id.id,
            "picking_type_id": agreement.warehouse_id.in_type_id.id,
            "user_id": agreement.user_id.id,
            "origin": agreement._vmi_origin(site),
            "partner_ref": agreement.name,
            "vmi_agreement_id": agreement.id,
            "vmi_location_id": site.id,
        }

    def _vmi_order_problem(self, agreement_line):
        product = agreement_line.product_id
        vendor = agreement_line.agreement_id.commercial_partner_id
        if not product.purchase_ok:
            return self.env._(
                "%(product)s cannot be purchased: tick 'Purchase' on the product so it "
                "can be put on a purchase order.",
                product=product.display_name,
            )
        if not product.seller_ids.filtered(
            lambda seller: seller.partner_id.commercial_partner_id == vendor
            and seller.product_id in (product, product.browse())
        ):
            return self.env._(
                "%(product)s has no price from vendor %(vendor)s: add the vendor and "
                "its price on the Purchase tab of the product.",
                product=product.display_name,
                vendor=vendor.display_name,
            )
        return None

    def _vmi_confirm(self):
        return self.button_confirm()

    def _vmi_cancel(self):
        return self.button_cancel()

    def _get_destination_location(self):
        """Receive VMI replenishments straight into the site location the vendor
        manages."""
        return self.vmi_location_id.id or super()._get_destination_location()

    def _prepare_picking(self):
        """Receipts of consigned stock carry the vendor as owner: it stays the vendor's
        until consumed."""
        values = super()._prepare_picking()
        if self.vmi_agreement_id.ownership == "consignment":
            values["owner_id"] = self.vmi_agreement_id.stock_owner_id.id
        return values


class PurchaseOrderLine(models.Model):
    _name = "purchase.order.line"
    _inherit = ["purchase.order.line", "vmi.proposal.line.mixin"]

    def _prepare_stock_move_vals(
        self, picking, price_unit, product_uom_qty, product_uom
    ):
        """Consigned stock on its way carries its owner from the start, not only once
        received, so what is on order for an agreement can be told by owner."""
        values = super()._prepare_stock_move_vals(
            picking, price_unit, product_uom_qty, product_uom
        )
        if picking.owner_id:
            values["restrict_partner_id"] = picking.owner_id.id
        return values
