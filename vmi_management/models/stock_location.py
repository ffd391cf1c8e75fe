from odoo import api, fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    vmi_partner_id = fields.Many2one(
        "res.partner",
        string="VMI Site Of",
        index="btree_not_null",
        check_company=True,
        help="The partner this VMI site location is dedicated to: the customer's site "
        "address when we manage its stock, or the vendor that manages this part of "
        "our warehouse.",
    )
    vmi_agreement_ids = fields.Many2many(
        "vmi.agreement",
        "vmi_agreement_location_rel",
        "location_id",
        "agreement_id",
        string="VMI Agreements",
        readonly=True,
    )
    vmi_delivery_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Delivery Days",
        check_company=True,
        help="The days this site takes deliveries (its working days; its time off are "
        "closed days). An order placed now arrives on the first of them after the lead "
        "time, and lasts until the next one. Empty: any day.",
    )
    is_vmi_site = fields.Boolean(
        string="VMI Site",
        compute="_compute_is_vmi_site",
        store=True,
        help="Stock at this location is managed under a VMI agreement.",
    )

    @api.depends("vmi_agreement_ids")
    def _compute_is_vmi_site(self):
        for location in self:
            location.is_vmi_site = bool(location.vmi_agreement_ids)

    def action_view_vmi_agreements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.vmi_agreement_action"
        )
        action["domain"] = [("location_ids", "in", self.ids)]
        return action
