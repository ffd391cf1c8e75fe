from odoo import fields, models


class VmiReplenishmentRunEvent(models.Model):
    """Something a replenishment run did or could not do, in words a planner can act
    on."""

    _name = "vmi.replenishment.run.event"
    _description = "VMI Replenishment Run Event"
    _order = "run_id desc, id"

    run_id = fields.Many2one(
        "vmi.replenishment.run", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(
        [
            ("order_created", "Order created"),
            ("order_updated", "Order updated"),
            ("order_withdrawn", "Proposal withdrawn"),
            ("awaiting_approval", "Awaiting approval"),
            ("awaiting_confirmation", "Awaiting the customer"),
            ("customer_answer", "Customer's answer"),
            ("skipped", "Line skipped"),
            ("warning", "Warning"),
            ("error", "Error"),
        ],
        required=True,
    )
    message = fields.Text(required=True)
    agreement_id = fields.Many2one("vmi.agreement", index=True, ondelete="cascade")
    line_id = fields.Many2one("vmi.agreement.line", string="Line", ondelete="cascade")
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True
    )
    document_ref = fields.Reference(
        [
            ("sale.order", "Sale Order"),
            ("purchase.order", "Purchase Order"),
            ("stock.picking", "Transfer"),
        ],
        string="Document",
    )
    date = fields.Datetime(related="run_id.date_start")
