from odoo import http
from odoo.http import request

from ..intake import csv_template, xlsx_template

TEMPLATES = {
    "csv": (csv_template, "text/csv"),
    "xlsx": (xlsx_template, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class VmiStockReportTemplate(http.Controller):
    """The stock report file template, for the back-office upload and the portal alike."""

    @http.route("/vmi/stock-reports/template.<string:extension>", type="http", auth="user", methods=["GET"])
    def stock_report_template(self, extension):
        if extension not in TEMPLATES:
            raise request.not_found()
        build, mimetype = TEMPLATES[extension]
        return request.make_response(build(), headers=[
            ("Content-Type", mimetype),
            ("Content-Disposition", http.content_disposition(f"vmi-stock-report-template.{extension}")),
        ])
