from odoo import api, models

from ..tools import format_quantity


class ReportVmiReview(models.AbstractModel):
    """The periodic performance review of agreements: the scorecard, exceptions and
    threshold changes."""

    _name = "report.vmi_management.report_vmi_review"
    _description = "VMI Performance Review"

    @api.model
    def _get_report_values(self, docids, data=None):
        return {
            "doc_ids": docids,
            "doc_model": "vmi.agreement",
            "docs": self.env["vmi.agreement"].browse(docids),
            "number": format_quantity,
        }
