from odoo import http
from odoo.http import request

from ..intake import csv_template, xlsx_template
from ..intake.tabular import COLUMNS

TEMPLATES = {
    "csv": (csv_template, "text/csv"),
    "xlsx": (
        xlsx_template,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def agreement_template_rows(agreement):
    """One template row per line of ``agreement``: the product as the customer knows it
    (its code, else our reference or barcode) and the site's name, the quantities left
    for the customer to fill in."""
    rows = []
    for line in agreement.line_ids:
        product = line.product_id
        values = {
            "product": line.customer_product_code
            or product.default_code
            or product.barcode
            or product.name,
            "location": line.location_id.name,
        }
        rows.append(tuple(values.get(column) for column in COLUMNS))
    return rows


class VmiStockReportTemplate(http.Controller):
    """The stock report file template, for the back-office upload and the portal."""

    @http.route(
        "/vmi/stock-reports/template.<string:extension>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def stock_report_template(self, extension, agreement_id=None, **kw):
        """The template; with ``agreement_id``, pre-filled with that agreement's
        products and sites (one row per line), for a user who may read it."""
        if extension not in TEMPLATES:
            raise request.not_found()
        rows = None
        filename = "vmi-stock-report-template"
        if agreement_id:
            agreement = request.env["vmi.agreement"].browse(
                int(agreement_id) if agreement_id.isdigit() else 0
            )
            if not agreement.exists() or not agreement.has_access("read"):
                raise request.not_found()
            rows = agreement_template_rows(agreement) or None
            filename = f"{filename}-{agreement.name}".replace("/", "-")
        build, mimetype = TEMPLATES[extension]
        return request.make_response(
            build(rows),
            headers=[
                ("Content-Type", mimetype),
                (
                    "Content-Disposition",
                    http.content_disposition(f"{filename}.{extension}"),
                ),
            ],
        )
