from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        """The reason of a VMI sale order line reaches the delivery moves Odoo's rules
        make for it."""
        return [*super()._get_custom_move_fields(), "vmi_reason"]
