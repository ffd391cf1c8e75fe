from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    vmi_agreement_ids = fields.One2many(
        "vmi.agreement",
        "partner_id",
        string="VMI Agreements",
        groups="vmi_management.group_vmi_user",
    )
    vmi_edi_senders = fields.Char(
        string="EDI Sender Ids",
        groups="vmi_management.group_vmi_user",
        help="Comma-separated ids this customer sends its EDI stock reports under (X12 "
        "ISA06 or GS02, EDIFACT UNB sender). When set, a document from any other "
        "sender is rejected; empty: any sender.",
    )
    vmi_agreement_count = fields.Integer(
        string="VMI Agreement Count",
        compute="_compute_vmi_agreement_count",
        groups="vmi_management.group_vmi_user",
    )

    def _compute_vmi_agreement_count(self):
        """Agreements are counted on the commercial entity, so each contact shows
        them."""
        counts = dict(
            self.env["vmi.agreement"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vmi_agreement_count = counts.get(partner.commercial_partner_id, 0)

    def _vmi_edi_sender_ids(self, upper=True):
        """The EDI sender ids set on this partner, in the order given (upper case to
        compare: senders' translators do not agree on the case of an id)."""
        self.ensure_one()
        ids = dict.fromkeys(
            code.strip()
            for code in (self.vmi_edi_senders or "").split(",")
            if code.strip()
        )
        return [code.upper() for code in ids] if upper else list(ids)

    def action_view_vmi_agreements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.vmi_agreement_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
