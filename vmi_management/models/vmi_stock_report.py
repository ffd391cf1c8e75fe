from odoo import api, fields, models


class VmiStockReport(models.Model):
    """Stock and consumption data a customer shares for one agreement, as of a moment.

    Where the customer owns the stock, its levels live in the customer's
    system and reach us only through these reports: the replenishment
    evaluation reads the latest accepted line per product and site.
    """

    _name = "vmi.stock.report"
    _description = "VMI Stock Report"
    _inherit = ["mail.thread"]
    _order = "date_as_of desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    agreement_id = fields.Many2one("vmi.agreement", required=True, index=True, check_company=True,
                                   ondelete="restrict")
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    commercial_partner_id = fields.Many2one(related="agreement_id.commercial_partner_id", store=True, index=True)
    source = fields.Selection(
        [("back_office", "Back office"), ("portal", "Portal"), ("file", "File upload"), ("edi", "EDI"),
         ("api", "API")],
        required=True, default="back_office",
    )
    date_as_of = fields.Datetime(string="Stock As Of", required=True, default=fields.Datetime.now,
                                 help="The moment the reported quantities were true at the site.")
    date_received = fields.Datetime(string="Received", readonly=True, default=fields.Datetime.now)
    state = fields.Selection(
        [("received", "Received"), ("processed", "Processed"), ("partially_rejected", "Partially Rejected"),
         ("rejected", "Rejected")],
        default="received", required=True, tracking=True,
    )
    line_ids = fields.One2many("vmi.stock.report.line", "report_id", string="Lines")

    @api.depends("agreement_id.name", "date_as_of")
    def _compute_name(self):
        for report in self:
            report.name = f"{report.agreement_id.name or ''} · {fields.Datetime.to_string(report.date_as_of) or ''}"
