import json

from odoo import fields, http
from odoo.http import request

from ..intake import parse_json_lines


class VmiApi(http.Controller):
    """HTTP API for a customer's systems: push stock reports, pull shipment notices.

    Authenticated with an Odoo API key (``Authorization: Bearer <key>``) of
    a user whose company is the customer; only that customer's agreements
    are reachable, and anything else answers 404 as if it did not exist.
    """

    @http.route("/vmi/api/v1/stock-reports", type="http", auth="bearer", methods=["POST"], csrf=False,
                save_session=False)
    def post_stock_report(self, agreement=None, filename=""):
        """Receive a stock report: JSON lines, a JSON-wrapped document, or a raw CSV/EDI body.

        JSON: ``{"agreement": "VMI/0001", "as_of": ..., "reference": ..., "lines": [...]}``
        or ``{"agreement": ..., "document": "<X12 852 or EDIFACT text>", "filename": ...}``.
        Any other content type: the body is the document, ``?agreement=`` names the agreement.
        """
        body = request.httprequest.get_data()
        parsed = None
        if request.httprequest.mimetype == "application/json":
            try:
                payload = json.loads(body)
            except ValueError as error:
                return self._error(400, f"The body is not valid JSON: {error}.")
            if not isinstance(payload, dict):
                return self._error(400, "The body must be a JSON object.")
            agreement = payload.get("agreement") or agreement
            if isinstance(payload.get("document"), str):
                body, filename = payload["document"].encode(), payload.get("filename") or filename
            else:
                parsed = parse_json_lines(payload)
        if not body:
            return self._error(400, "The request has no report in its body.")
        found = self._customer_agreements(agreement)
        if len(found) != 1:
            return self._error(404, f"No agreement {agreement} for your company." if agreement else
                               "Name the agreement (\"agreement\": its reference): your company has "
                               f"{len(found)} agreements.")
        report, repeated = request.env["vmi.stock.report"].sudo()._receive(
            found, body, source="api", filename=filename, parsed=parsed)
        return request.make_json_response(self._report_values(report, repeated), status=200 if repeated else 201)

    @http.route("/vmi/api/v1/shipments", type="http", auth="bearer", methods=["GET"], save_session=False)
    def list_shipments(self, since=None, limit=100):
        """The customer's advance shipping notices, newest first."""
        domain = [("commercial_partner_id", "=", request.env.user.partner_id.commercial_partner_id.id)]
        if since:
            domain.append(("date_shipped", ">=", fields.Datetime.to_datetime(since)))
        notices = request.env["vmi.shipment.notice"].sudo().search(domain, limit=min(int(limit), 1000))
        return request.make_json_response({"shipments": [notice._api_values() for notice in notices]})

    @http.route("/vmi/api/v1/shipments/<int:notice_id>/asn", type="http", auth="bearer", methods=["GET"],
                save_session=False)
    def download_shipment_notice(self, notice_id, format="x12"):
        """One notice as an X12 856 (``format=x12``) or an EDIFACT DESADV (``format=edifact``)."""
        notice = request.env["vmi.shipment.notice"].sudo().search([
            ("id", "=", notice_id),
            ("commercial_partner_id", "=", request.env.user.partner_id.commercial_partner_id.id),
        ])
        if not notice or format not in ("x12", "edifact"):
            return self._error(404, "No such shipment notice for your company.")
        attachment = notice._document(format)
        return request.make_response(attachment.raw, headers=[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Disposition", http.content_disposition(attachment.name)),
        ])

    @staticmethod
    def _customer_agreements(reference):
        """The agreements the API user's company holds, or the one named ``reference`` among them."""
        domain = [("commercial_partner_id", "=", request.env.user.partner_id.commercial_partner_id.id),
                  ("role", "=", "vendor")]
        if reference:
            domain.append(("name", "=", reference))
        else:
            domain.append(("state", "!=", "terminated"))
        return request.env["vmi.agreement"].sudo().search(domain)

    @staticmethod
    def _report_values(report, repeated):
        return {
            "report": {
                "id": report.id,
                "name": report.name,
                "agreement": report.agreement_id.name,
                "state": report.state,
                "repeated": repeated,
                "as_of": fields.Datetime.to_string(report.date_as_of),
                "problems": report.problems.splitlines() if report.problems else [],
                "lines": [
                    {"ref": line.source_ref or str(line.sequence), "product": line.product_code or
                     line.product_id.default_code, "location": line.location_code or line.location_id.name,
                     "state": line.state, "reason": line.rejection_reason or None,
                     "note": line.application_note or None}
                    for line in report.line_ids
                ],
            },
        }

    @staticmethod
    def _error(status, message):
        return request.make_json_response({"error": message}, status=status)
