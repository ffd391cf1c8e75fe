from odoo import models
from odoo.osv import expression


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_gather_domain(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
    ):
        """Honour the owners a VMI move may take stock from (see
        ``stock.move._vmi_owner_context``)."""
        domain = super()._get_gather_domain(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )
        owners = self.env.context.get("vmi_stock_owner_values")
        if owners is not None and not owner_id:
            domain = expression.AND([[("owner_id", "in", owners)], domain])
        return domain
