import base64

from odoo import fields, models
from odoo.exceptions import UserError

from ..intake import parse_document
from ..models.vmi_stock_report import EDI_FORMATS
from ..tools import in_engine_language


class VmiStockReportUpload(models.TransientModel):
    """Upload a customer's stock report file (CSV, Excel, X12 852, EDIFACT
    INVRPT/SLSRPT) or forecast (X12 830, EDIFACT DELFOR) in the back office."""

    _name = "vmi.stock.report.upload"
    _description = "Upload a VMI Stock Report"

    agreement_id = fields.Many2one(
        "vmi.agreement",
        required=True,
        domain=[("state", "!=", "terminated")],
    )
    # not a required field: the template buttons work before a file is attached;
    # uploading checks it
    file = fields.Binary(
        help="CSV or Excel with the template's columns, an X12 852 or 830, "
        "or an EDIFACT INVRPT, SLSRPT or DELFOR."
    )
    filename = fields.Char()
    date_as_of = fields.Datetime(
        string="Stock As Of",
        required=True,
        default=fields.Datetime.now,
        help="When the stock in a CSV or Excel file was counted. EDI documents carry "
        "their own date.",
    )

    @in_engine_language
    def action_upload(self):
        """Receive the file through the same pipeline as every other channel and show
        the report."""
        self.ensure_one()
        if not self.file:
            raise UserError(
                self.env._(
                    "Attach the stock report file to upload (CSV, Excel, X12 or "
                    "EDIFACT); the templates above show the expected columns."
                )
            )
        payload = base64.b64decode(self.file)
        parsed = parse_document(payload, self.filename or "")
        report, __ = self.env["vmi.stock.report"]._receive(
            self.agreement_id,
            payload,
            source="edi" if parsed.format in EDI_FORMATS else "file",
            filename=self.filename or "",
            date_as_of=self.date_as_of,
            parsed=parsed,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "vmi.stock.report",
            "res_id": report.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_download_template(self):
        """The file template, pre-filled with the agreement's products, customer codes
        and sites."""
        self.ensure_one()
        extension = (
            "xlsx" if self.env.context.get("template_format") == "xlsx" else "csv"
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/vmi/stock-reports/template.{extension}"
            f"?agreement_id={self.agreement_id.id}",
            "target": "self",
        }
