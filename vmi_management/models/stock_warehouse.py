from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    vmi_site_count = fields.Integer(
        string="VMI Sites", compute="_compute_vmi_site_count"
    )

    def _compute_vmi_site_count(self):
        counts = dict(
            self.env["stock.location"]._read_group(
                [("warehouse_id", "in", self.ids), ("is_vmi_site", "=", True)],
                ["warehouse_id"],
                ["__count"],
            )
        )
        for warehouse in self:
            warehouse.vmi_site_count = counts.get(warehouse, 0)

    def action_view_vmi_sites(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.stock_location_vmi_site_action"
        )
        action["domain"] = [("warehouse_id", "=", self.id), ("is_vmi_site", "=", True)]
        return action
