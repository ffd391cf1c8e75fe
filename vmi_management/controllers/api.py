import json
from datetime import datetime

from werkzeug.exceptions import abort

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request

from ..intake import parse_json_lines
from ..intake.values import EARLIEST, LATEST, to_moment
from ..tools import company_tz, day_start, engine_language

MAX_SHIPMENTS = 1000
DEFAULT_SHIPMENTS = 100
ASN_FORMATS = ("x12", "edifact")  # the first is the default

# Readers of one parameter: its value from what was sent, or ValueError saying what is
# expected. Each carries ``schema``, the OpenAPI schema of what it accepts, so that the
# published document (controllers/openapi.py) states the very limits the reader checks.


def _text(raw):
    if (
        not isinstance(raw, str) or "\x00" in raw
    ):  # a NUL cannot be stored, nor searched for
        raise ValueError("text (without NUL characters)")
    return raw


_text.schema = {
    "type": "string",
    "pattern": "^[^\\x00]*$",
    "description": "Text without NUL characters.",
}


def _whole_number(low, high):
    def read(raw):
        try:
            number = (
                int(raw) if isinstance(raw, str) and raw.strip().isdecimal() else None
            )
        except ValueError:  # thousands of digits
            number = None
        if number is None or not low <= number <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return number

    read.schema = {"type": "integer", "minimum": low, "maximum": high}
    return read


def _moment(raw):
    """Naive UTC; a day alone counts from its start where the company lives."""
    try:
        moment = to_moment(_text(raw), "")
    except ValueError:
        raise ValueError(
            "a date (YYYY-MM-DD) or a UTC date and time (YYYY-MM-DDTHH:MM:SSZ) from "
            f"{EARLIEST.year} to {LATEST.year}"
        ) from None
    return (
        moment
        if isinstance(moment, datetime)
        else day_start(moment, company_tz(request.env.company.sudo()))
    )


_moment.schema = {
    "type": "string",
    "description": (
        "A date (YYYY-MM-DD, from the start of that day in the company's time zone) "
        "or a date and time (YYYY-MM-DDTHH:MM:SS, UTC unless it carries an offset "
        f"such as Z or +02:00), from {EARLIEST} to {LATEST}."
    ),
    "example": "2026-11-01T06:00:00Z",
}


def _one_of(*choices):
    def read(raw):
        if raw not in choices:
            raise ValueError(" or ".join(choices))
        return raw

    read.schema = {"type": "string", "enum": list(choices)}
    return read


# What each route reads, by name: the routes and the OpenAPI document both use these.
RAW_REPORT_PARAMETERS = {
    "agreement": _text,
    "filename": _text,
}  # query string of POST /stock-reports
DOCUMENT_FIELDS = {
    "agreement": _text,
    "document": _text,
    "filename": _text,
}  # read from the JSON object
SHIPMENT_PARAMETERS = {"since": _moment, "limit": _whole_number(1, MAX_SHIPMENTS)}
ASN_PARAMETERS = {"format": _one_of(*ASN_FORMATS)}
PROPOSAL_PARAMETERS = {"agreement": _text}  # query string of GET /proposals


def _quantity(raw):
    if (
        isinstance(raw, bool)
        or not isinstance(raw, int | float)
        or raw < 0
        or raw != raw
        or raw in (float("inf"), float("-inf"))
    ):
        raise ValueError("a number of units, 0 or more")
    return float(raw)


_quantity.schema = {"type": "number", "minimum": 0}


def _whole_id(raw):
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise ValueError("the id of a line of the proposal, as GET /proposals gives it")
    return raw


_whole_id.schema = {"type": "integer", "minimum": 1}
ANSWER_LINE_FIELDS = {
    "line": _whole_id,
    "quantity": _quantity,
}  # read from each line of the JSON answer


class VmiApi(http.Controller):
    """HTTP API for a customer's systems: push stock reports, pull shipment notices.

    Authenticated with an Odoo API key (``Authorization: Bearer <key>``) of
    a user whose company is the customer; only that customer's agreements
    are reachable, and anything else answers 404 as if it did not exist.
    """

    @http.route(
        "/vmi/api/v1/stock-reports",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
        raw_body=True,
    )
    def post_stock_report(self, **__):
        """Receive a stock report: JSON lines, a JSON-wrapped document, or a raw
        CSV/EDI body.

        JSON:
        ``{"agreement": "VMI/0001", "as_of": ..., "reference": ..., "lines": [...]}``
        or
        ``{"agreement": ..., "document": "<X12 852/830 or EDIFACT text>",
        "filename": ...}``.
        Any other content type: the body is the document, ``?agreement=`` names the
        agreement. Parameters come from the query string (and the JSON object) alone: a
        body labelled as a form, as curl labels ``--data-binary``, is the document all
        the same.
        """
        http_request = request.httprequest
        if http_request.mimetype == "multipart/form-data":
            return self._error(
                400,
                "Send the document itself as the request body "
                "(curl --data-binary @file), not as a form upload.",
            )
        body, parsed = http_request.get_data(), None
        sent = self._parameters(http_request.args, **RAW_REPORT_PARAMETERS)
        agreement, filename = sent["agreement"], sent["filename"] or ""
        if http_request.mimetype == "application/json":
            try:
                payload = json.loads(body)
            except ValueError as error:
                return self._error(400, f"The body is not valid JSON: {error}.")
            except RecursionError:
                return self._error(
                    400, "The body is not valid JSON: it nests too deeply."
                )
            if not isinstance(payload, dict):
                return self._error(400, "The body must be a JSON object.")
            wrapper = self._parameters(payload, **DOCUMENT_FIELDS)
            agreement = wrapper["agreement"] or agreement
            if "document" in payload:
                body, filename = (
                    (wrapper["document"] or "").encode(),
                    wrapper["filename"] or filename,
                )
            else:
                with engine_language(request.env):
                    parsed = parse_json_lines(payload)
        if not body:
            return self._error(400, "The request has no report in its body.")
        found = self._customer_agreements(agreement)
        if len(found) != 1:
            return self._error(
                404,
                f"No agreement {agreement} for your company."
                if agreement
                else (
                    'Name the agreement ("agreement": its reference): '
                    f"your company has {len(found)} agreements."
                ),
            )
        report, repeated = (
            request.env["vmi.stock.report"]
            .sudo()
            ._receive(found, body, source="api", filename=filename, parsed=parsed)
        )
        return request.make_json_response(
            self._report_values(report, repeated), status=200 if repeated else 201
        )

    @http.route(
        "/vmi/api/v1/shipments",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
    )
    def list_shipments(self, **__):
        """The customer's advance shipping notices, newest first: ``?since=`` (shipped
        then or later) and ``?limit=`` (at most :data:`MAX_SHIPMENTS`,
        :data:`DEFAULT_SHIPMENTS` unless said)."""
        sent = self._parameters(request.httprequest.args, **SHIPMENT_PARAMETERS)
        domain = [
            (
                "commercial_partner_id",
                "=",
                request.env.user.partner_id.commercial_partner_id.id,
            )
        ]
        if sent["since"]:
            domain.append(("date_shipped", ">=", sent["since"]))
        notices = (
            request.env["vmi.shipment.notice"]
            .sudo()
            .search(domain, limit=sent["limit"] or DEFAULT_SHIPMENTS)
        )
        return request.make_json_response(
            {"shipments": [notice._api_values() for notice in notices]}
        )

    @http.route(
        "/vmi/api/v1/shipments/<int:notice_id>/asn",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
    )
    def download_shipment_notice(self, notice_id, **__):
        """One notice as an X12 856 (``format=x12``, the default) or an EDIFACT DESADV
        (``format=edifact``)."""
        sent = self._parameters(request.httprequest.args, **ASN_PARAMETERS)
        notice = (
            request.env["vmi.shipment.notice"]
            .sudo()
            .search(
                [
                    ("id", "=", notice_id),
                    (
                        "commercial_partner_id",
                        "=",
                        request.env.user.partner_id.commercial_partner_id.id,
                    ),
                ]
            )
        )
        if not notice:
            return self._error(404, "No such shipment notice for your company.")
        attachment = notice._document(sent["format"] or ASN_FORMATS[0])
        return request.make_response(
            attachment.raw,
            headers=[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Disposition", http.content_disposition(attachment.name)),
            ],
        )

    @http.route(
        "/vmi/api/v1/proposals",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
    )
    def list_proposals(self, **__):
        """The proposals waiting for the customer's confirmation (of one agreement with
        ``?agreement=``)."""
        sent = self._parameters(request.httprequest.args, **PROPOSAL_PARAMETERS)
        agreements = self._customer_agreements(sent["agreement"]).filtered(
            "confirmation_required"
        )
        return request.make_json_response(
            {
                "proposals": [
                    self._proposal_values(proposal)
                    for agreement in agreements
                    for proposal in agreement._waiting_proposals()
                ]
            }
        )

    @http.route(
        "/vmi/api/v1/proposals/<int:proposal_id>",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
        raw_body=True,
    )
    def answer_proposal(self, proposal_id, **__):
        """Accept a proposal (``{"lines": []}``) or change quantities:
        ``{"lines": [{"line": id, "quantity": n}]}``.

        Changes within the agreement's tolerance apply at once; beyond it, they wait for
        the vendor's review.
        """
        try:
            payload = json.loads(request.httprequest.get_data() or b"{}")
        except (ValueError, RecursionError) as error:
            return self._error(400, f"The body is not valid JSON: {error}.")
        if not isinstance(payload, dict) or not isinstance(
            payload.get("lines", []), list
        ):
            return self._error(
                400,
                'The body must be a JSON object with "lines": '
                'a list of {"line", "quantity"}.',
            )
        proposal = next(
            (
                document
                for agreement in self._customer_agreements(None).filtered(
                    "confirmation_required"
                )
                for document in agreement._waiting_proposals()
                if document.id == proposal_id
            ),
            None,
        )
        if proposal is None:
            return self._error(
                404, "No proposal waits for your company's confirmation under this id."
            )
        lines = {
            line.vmi_line_id.id: line.vmi_line_id
            for line in proposal._vmi_lines()
            if line.vmi_line_id
        }
        requested = {}
        for sent_line in payload.get("lines", []):
            if not isinstance(sent_line, dict):
                return self._error(
                    400, 'Each line must be an object: {"line": id, "quantity": n}.'
                )
            values = self._parameters(sent_line, **ANSWER_LINE_FIELDS)
            if values["line"] not in lines or values["quantity"] is None:
                return self._error(
                    400,
                    f'Line {values["line"]} is not a line of '
                    f"{proposal.display_name}, or has no quantity: "
                    "send the ids GET /proposals gives, each with a quantity.",
                )
            requested[lines[values["line"]]] = values["quantity"]
        try:
            proposal._vmi_customer_answer(requested, request.env.user)
        except UserError as error:
            return self._error(400, error.args[0])
        return request.make_json_response(self._proposal_values(proposal))

    @staticmethod
    def _proposal_values(proposal):
        return {
            "id": proposal.id,
            "name": proposal.display_name,
            "agreement": proposal.vmi_agreement_id.name,
            "site": proposal.vmi_location_id.name,
            "state": proposal.vmi_confirmation_state,
            "confirm_by": fields.Datetime.to_string(proposal.vmi_confirmation_deadline),
            "lines": [
                {
                    "line": line.vmi_line_id.id,
                    "product": line.product_id.default_code
                    or line.product_id.display_name,
                    "customer_code": line.vmi_line_id.customer_product_code or None,
                    "quantity": line[proposal._vmi_qty_field],
                    "reason": line.vmi_line_id.last_decision_reason or None,
                }
                for line in proposal._vmi_lines()
                if line.vmi_line_id
            ],
        }

    @classmethod
    def _parameters(cls, sent, **readers):
        """Each parameter ``readers`` names, read from ``sent`` (the query string, or
        the JSON object) by its reader; ``None`` when it is not sent or blank. A wrong
        one answers 400 with what it expects."""
        values = {}
        for name, read in readers.items():
            raw = sent.get(name)
            try:
                values[name] = (
                    None
                    if raw is None or (isinstance(raw, str) and not raw.strip())
                    else read(raw)
                )
            except ValueError as expected:
                shown = json.dumps(raw)
                shown = shown if len(shown) <= 80 else f"{shown[:79]}…"
                abort(cls._error(400, f'"{name}" must be {expected}, not {shown}.'))
        return values

    @staticmethod
    def _customer_agreements(reference):
        """The agreements the API user's company holds, or the one named ``reference``
        among them."""
        Agreement = request.env["vmi.agreement"].sudo()
        domain = Agreement._stock_reporter_domain(request.env.user.partner_id)
        if reference:
            domain.append(("name", "=", reference))
        else:
            domain.append(("state", "!=", "terminated"))
        return Agreement.search(domain)

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
                    {
                        "ref": line.source_ref or str(line.sequence),
                        "product": line.product_code or line.product_id.default_code,
                        "location": line.location_code or line.location_id.name,
                        "state": line.state,
                        "reason": line.rejection_reason or None,
                        "note": line.application_note or None,
                    }
                    for line in report.line_ids
                ],
            },
        }

    @staticmethod
    def _error(status, message):
        return request.make_json_response({"error": message}, status=status)
