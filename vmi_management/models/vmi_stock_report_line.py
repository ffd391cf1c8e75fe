from odoo import fields, models


class VmiStockReportLine(models.Model):
    """One product at one site in a customer's stock report, and whether it was accepted."""

    _name = "vmi.stock.report.line"
    _description = "VMI Stock Report Line"
    _order = "report_id, id"
    _check_company_auto = True

    report_id = fields.Many2one("vmi.stock.report", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="report_id.company_id", store=True, index=True)
    agreement_id = fields.Many2one(related="report_id.agreement_id", store=True, index=True)
    product_id = fields.Many2one("product.product", index=True, check_company=True)
    location_id = fields.Many2one("stock.location", string="Site Location", index=True, check_company=True)
    quantity_on_hand = fields.Float(string="On Hand", digits="Product Unit of Measure")
    quantity_consumed = fields.Float(
        string="Consumed", digits="Product Unit of Measure",
        help="Quantity consumed or sold over the report period.",
    )
    date_period_start = fields.Date(
        string="Period Start", help="First day of the consumption period; it ends on the report's as-of day.",
    )
    state = fields.Selection([("accepted", "Accepted"), ("rejected", "Rejected")], default="accepted",
                             required=True)
    rejection_reason = fields.Char()
