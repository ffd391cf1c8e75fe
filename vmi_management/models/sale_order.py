from odoo import api, fields, models


class SaleOrder(models.Model):
    """Sale orders proposed by VMI agreements where we are the vendor and the customer
    owns the stock."""

    _name = "sale.order"
    _inherit = ["sale.order", "vmi.proposal.mixin"]
    _vmi_line_field = "order_line"
    _vmi_qty_field = "product_uom_qty"
    _vmi_open_states = ("draft", "sent")
    _vmi_date_field = "commitment_date"

    vmi_billing_agreement_id = fields.Many2one(
        "vmi.agreement",
        string="Bills VMI Consumption Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="This order invoices consigned stock the customer consumed under this "
        "agreement.",
    )

    def action_confirm(self):
        self._vmi_check_approval()
        return super().action_confirm()

    def _vmi_prepare_vals(self, agreement, site):
        return {
            "partner_id": agreement.commercial_partner_id.id,
            "partner_shipping_id": site.vmi_partner_id.id or agreement.partner_id.id,
            "company_id": agreement.company_id.id,
            "warehouse_id": agreement.warehouse_id.id,
            "user_id": agreement.user_id.id,
            "origin": agreement._vmi_origin(site),
            "client_order_ref": agreement.name,
            "vmi_agreement_id": agreement.id,
            "vmi_location_id": site.id,
        }

    @api.model
    def _vmi_unit_value(self, product):
        return product.lst_price

    def _vmi_order_problem(self, agreement_line):
        product = agreement_line.product_id
        if not product.sale_ok:
            return self.env._(
                "%(product)s cannot be sold: tick 'Sales' on the product so it can be "
                "put on a sale order.",
                product=product.display_name,
            )
        if not product.lst_price:
            return self.env._(
                "%(product)s has no sales price, so its sale order would be free: fill "
                "in the product's Sales Price.",
                product=product.display_name,
            )
        return None

    def _vmi_confirm(self):
        return self.action_confirm()

    def _vmi_cancel(self):
        return self._action_cancel()


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "vmi.proposal.line.mixin"]

    def _get_location_final(self):
        """Deliver VMI replenishments to the customer-site location they are for."""
        return self.order_id.vmi_location_id or super()._get_location_final()

    def _prepare_procurement_values(self, group_id=False):
        """The delivery of a VMI line says why it has its quantity, as the order line
        does."""
        values = super()._prepare_procurement_values(group_id=group_id)
        if self.vmi_reason:
            values["vmi_reason"] = self.vmi_reason
        return values
