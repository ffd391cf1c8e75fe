from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    vmi_line_count = fields.Integer(
        string="VMI Lines",
        compute="_compute_vmi_line_count",
        groups="vmi_management.group_vmi_user",
    )

    def _compute_vmi_line_count(self):
        counts = dict(
            self.env["vmi.agreement.line"]._read_group(
                [("product_id.product_tmpl_id", "in", self.ids)],
                ["product_id"],
                ["__count"],
            )
        )
        for template in self:
            template.vmi_line_count = sum(
                counts.get(variant, 0) for variant in template.product_variant_ids
            )

    def action_view_vmi_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.vmi_agreement_line_action"
        )
        action["domain"] = [("product_id.product_tmpl_id", "=", self.id)]
        return action
