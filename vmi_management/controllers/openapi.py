"""The HTTP API's OpenAPI 3.0 document, built from the code it describes.

Built by a function rather than kept as a JSON file under static/: the
parameters' ranges and choices come from the readers the routes check them
with (their ``schema``), and the states from the models' selections, so the
document cannot drift from what the routes accept and answer.
"""

from odoo import http
from odoo.http import request
from odoo.modules.module import get_manifest

from ..intake.tabular import COLUMNS, QUANTITIES
from ..intake.values import EARLIEST, LATEST
from .api import (
    ANSWER_LINE_FIELDS,
    ASN_FORMATS,
    ASN_PARAMETERS,
    DEFAULT_SHIPMENTS,
    DOCUMENT_FIELDS,
    PROPOSAL_PARAMETERS,
    RAW_REPORT_PARAMETERS,
    SHIPMENT_PARAMETERS,
)

PREFIX = "/vmi/api/v1"
RAW_TYPES = (
    "text/csv",
    "application/edi-x12",
    "application/edifact",
    "application/octet-stream",
)
# What a value the answers take from an empty record field looks like: Odoo writes it as
# false.
TEXT_OR_FALSE = {"oneOf": [{"type": "string"}, {"type": "boolean", "enum": [False]}]}
DAY = {
    "type": "string",
    "format": "date",
    "description": f"YYYY-MM-DD, from {EARLIEST} to {LATEST}.",
}
QUANTITY = {
    "type": "number",
    "minimum": 0,
    "nullable": True,
    "description": (
        "Not reported when absent or null; a number written as text is read as that "
        "number."
    ),
}
PARAMETER_NOTES = {
    "agreement": (
        "The agreement's reference (e.g. VMI/0001); may be left out when the company "
        "has one agreement that is not terminated."
    ),
    "filename": "The document's file name; its extension helps recognise the format.",
    "since": "Only notices shipped at this moment or later.",
    "limit": f"At most this many notices ({DEFAULT_SHIPMENTS} unless said).",
    "format": (
        f"The document's format ({ASN_FORMATS[0]} unless said): an X12 856 or an "
        "EDIFACT DESADV."
    ),
}
PROPOSAL_NOTES = {
    "agreement": "Only the proposals of this agreement (its reference, e.g. VMI/0001)."
}


def _parameters(readers, notes=None):
    """Query parameters described from the readers that check them."""
    notes = PARAMETER_NOTES if notes is None else notes
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": notes[name],
            "schema": read.schema,
        }
        for name, read in readers.items()
    ]


def _object(properties, required=(), description=None):
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(required or properties),
    }
    if description:
        schema["description"] = description
    return schema


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json_answer(description, schema_name):
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


def _schemas(env):
    """Bodies and answers; states are the models' own selection values."""
    states = {
        model: env[model]._fields["state"].get_values(env)
        for model in (
            "vmi.stock.report",
            "vmi.stock.report.line",
            "vmi.shipment.notice",
        )
    }
    confirmation_states = (
        env["sale.order"]._fields["vmi_confirmation_state"].get_values(env)
    )
    line = {
        "product": {
            "type": "string",
            "description": "Our internal reference, barcode or the customer's own "
            "code for the product (a number is read as its text).",
        },
        "location": {"type": "string", "description": "The site's barcode or name."},
        "period_start": DAY,
        "period_end": DAY,
        "forecast_start": {
            **DAY,
            "description": "First day the forecast quantity covers (default: the day "
            "after the report's day).",
        },
        "forecast_end": {
            **DAY,
            "description": "Last day the forecast quantity covers, included (default: "
            "a week from forecast_start).",
        },
        "unit": {
            "type": "string",
            "description": (
                "The unit of the line's quantities: a code such as EA, DZN or KGM, or "
                "the name of one of our units; empty means the product's unit."
            ),
        },
        **{name: QUANTITY for name in QUANTITIES},
    }
    return {
        "Error": _object(
            {
                "error": {
                    "type": "string",
                    "description": "What is wrong and what to send instead.",
                }
            }
        ),
        "ReportLines": _object(
            {
                "agreement": DOCUMENT_FIELDS["agreement"].schema,
                "as_of": {
                    "type": "string",
                    "description": (
                        "When the figures were true: a date and time (UTC unless it "
                        "carries an offset), or a day (its end in the company's time "
                        f"zone), from {EARLIEST} to {LATEST}. Absent: the end of "
                        "period_end, else the moment received."
                    ),
                },
                "reference": {
                    "description": (
                        "The sender's report number (any JSON value, read as text and "
                        "cut to 128 characters); a report resent with the same "
                        "reference is a repeat."
                    )
                },
                "period_start": DAY,
                "period_end": DAY,
                "lines": {
                    "type": "array",
                    "items": _object(
                        {name: line[name] for name in COLUMNS},
                        required=("product",),
                        description=(
                            "One product at one site; on_hand, consumed or forecast "
                            "(or several) must be given. A line that breaks these "
                            "rules is rejected with its reason, the others still "
                            "apply."
                        ),
                    ),
                },
            },
            required=("lines",),
            description=(
                "A report as JSON lines (an object with a document is read as a "
                "WrappedDocument instead). Values of the wrong type or out of range "
                "do not answer 400, except agreement, document and filename: "
                "the report is kept and answered 201 with state rejected and its "
                "problems."
            ),
        ),
        "WrappedDocument": _object(
            {name: read.schema for name, read in DOCUMENT_FIELDS.items()},
            required=("document",),
            description=(
                "A CSV or EDI document (X12 852 or 830, EDIFACT INVRPT, SLSRPT or "
                "DELFOR) as text in a JSON object."
            ),
        ),
        "ReportAnswer": _object(
            {
                "report": _object(
                    {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "agreement": {"type": "string"},
                        "state": {"type": "string", "enum": states["vmi.stock.report"]},
                        "repeated": {
                            "type": "boolean",
                            "description": (
                                "True when this is an earlier report received "
                                "again (answered 200, not applied again)."
                            ),
                        },
                        "as_of": {
                            "type": "string",
                            "description": "YYYY-MM-DD HH:MM:SS, UTC.",
                        },
                        "problems": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": (
                                "What made the whole report unreadable or refused."
                            ),
                        },
                        "lines": {
                            "type": "array",
                            "items": _object(
                                {
                                    "ref": {
                                        "type": "string",
                                        "description": (
                                            "Where the line is in what was sent "
                                            "(lines[0], Row 2, a segment)."
                                        ),
                                    },
                                    "product": TEXT_OR_FALSE,
                                    "location": TEXT_OR_FALSE,
                                    "state": {
                                        "type": "string",
                                        "enum": states["vmi.stock.report.line"],
                                    },
                                    "reason": {
                                        "type": "string",
                                        "nullable": True,
                                        "description": "Why the line was rejected.",
                                    },
                                    "note": {
                                        "type": "string",
                                        "nullable": True,
                                        "description": (
                                            "How an accepted line was applied."
                                        ),
                                    },
                                }
                            ),
                        },
                    }
                )
            }
        ),
        "Proposal": _object(
            {
                "id": {
                    "type": "integer",
                    "description": "What POST /proposals/{proposal_id} takes.",
                },
                "name": {"type": "string"},
                "agreement": {"type": "string"},
                "site": {"type": "string"},
                "state": {
                    "type": "string",
                    "enum": confirmation_states,
                    "description": (
                        "waiting: it waits for your answer; confirmed: answered and "
                        "going ahead; review: changes beyond the tolerance wait for "
                        "the vendor."
                    ),
                },
                "confirm_by": {
                    **TEXT_OR_FALSE,
                    "description": "The deadline, YYYY-MM-DD HH:MM:SS, UTC.",
                },
                "lines": {
                    "type": "array",
                    "items": _object(
                        {
                            "line": {
                                "type": "integer",
                                "description": (
                                    "The agreement line: what an answer names."
                                ),
                            },
                            "product": {"type": "string"},
                            "customer_code": {"type": "string", "nullable": True},
                            "quantity": {
                                "type": "number",
                                "description": "The quantity proposed (or as changed).",
                            },
                            "reason": {
                                "type": "string",
                                "nullable": True,
                                "description": "Why this quantity.",
                            },
                        }
                    ),
                },
            }
        ),
        "Proposals": _object(
            {"proposals": {"type": "array", "items": _ref("Proposal")}}
        ),
        "ProposalAnswer": _object(
            {
                "lines": {
                    "type": "array",
                    "items": _object(
                        {
                            name: read.schema
                            for name, read in ANSWER_LINE_FIELDS.items()
                        },
                        description=(
                            "A line whose quantity you change; lines left out keep "
                            "the proposed quantity."
                        ),
                    ),
                }
            },
            required=(),
            description=(
                "An empty list, or no body at all, accepts the proposal as it is."
            ),
        ),
        "Shipments": _object(
            {
                "shipments": {
                    "type": "array",
                    "items": _object(
                        {
                            "id": {"type": "integer"},
                            "number": {"type": "string"},
                            "agreement": {"type": "string"},
                            "site": TEXT_OR_FALSE,
                            "order_ref": TEXT_OR_FALSE,
                            "shipped": {
                                "type": "string",
                                "description": "YYYY-MM-DD HH:MM:SS, UTC.",
                            },
                            "expected": {
                                **TEXT_OR_FALSE,
                                "description": "YYYY-MM-DD HH:MM:SS, UTC.",
                            },
                            "state": {
                                "type": "string",
                                "enum": states["vmi.shipment.notice"],
                            },
                            "lines": {
                                "type": "array",
                                "items": _object(
                                    {
                                        "product": {"type": "string"},
                                        "customer_code": {"type": "string"},
                                        "quantity": {"type": "number"},
                                        "uom": {"type": "string"},
                                    }
                                ),
                            },
                        }
                    ),
                }
            }
        ),
    }


def openapi_document(env):
    """The OpenAPI 3.0 document of the routes in controllers/api.py (and of this
    one)."""
    bad_request = _json_answer(
        "A parameter or the body is wrong; the error says which and what to send.",
        "Error",
    )
    unauthorized = {
        "description": (
            "No API key, or an unknown or expired one. Answered by Odoo itself (an "
            "HTML page, not the JSON error), with WWW-Authenticate: Bearer."
        ),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    }
    report_answers = {
        "201": _json_answer(
            "Received: the report and each line's state and reason.", "ReportAnswer"
        ),
        "200": _json_answer(
            "A repeat of an earlier report (same bytes or same sender reference): "
            "that report, not applied again.",
            "ReportAnswer",
        ),
        "400": bad_request,
        "401": unauthorized,
        "404": _json_answer(
            "No such agreement for the key's company, or none named while it has not "
            "exactly one.",
            "Error",
        ),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Vendor Managed Inventory API",
            "version": get_manifest("vmi_management")["version"],
            "description": (
                "Push stock reports, pull advance shipping notices, confirm "
                "proposals. Authenticate with an Odoo API key of a user of the "
                "customer's company; only that customer's agreements and notices are "
                "reachable, others answer 404."
            ),
        },
        "security": [{"apiKey": []}],
        "paths": {
            f"{PREFIX}/stock-reports": {
                "post": {
                    "operationId": "postStockReport",
                    "summary": (
                        "Send a stock report: JSON lines, a document wrapped in JSON, "
                        "or the raw document."
                    ),
                    "parameters": _parameters(RAW_REPORT_PARAMETERS),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "anyOf": [
                                        _ref("ReportLines"),
                                        _ref("WrappedDocument"),
                                    ]
                                }
                            },
                            **{
                                mimetype: {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                                for mimetype in RAW_TYPES
                            },
                        },
                        "description": (
                            "Any content type other than application/json is the "
                            "document itself (a form content type too, as curl "
                            "--data-binary sends it; multipart/form-data is refused "
                            "with 400). Query parameters agreement and filename name "
                            "it; in JSON, the object's own agreement and filename win."
                        ),
                    },
                    "responses": report_answers,
                }
            },
            f"{PREFIX}/shipments": {
                "get": {
                    "operationId": "listShipments",
                    "summary": "The customer's advance shipping notices, newest first.",
                    "parameters": _parameters(SHIPMENT_PARAMETERS),
                    "responses": {
                        "200": _json_answer("The notices.", "Shipments"),
                        "400": bad_request,
                        "401": unauthorized,
                    },
                }
            },
            f"{PREFIX}/shipments/{{notice_id}}/asn": {
                "get": {
                    "operationId": "getShipmentNotice",
                    "summary": "One notice as an EDI document.",
                    "parameters": [
                        {
                            "name": "notice_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        *_parameters(ASN_PARAMETERS),
                    ],
                    "responses": {
                        "200": {
                            "description": "The document.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                        "400": bad_request,
                        "401": unauthorized,
                        "404": _json_answer(
                            "No such notice for the key's company.", "Error"
                        ),
                    },
                }
            },
            f"{PREFIX}/proposals": {
                "get": {
                    "operationId": "listProposals",
                    "summary": (
                        "The replenishment proposals waiting for your confirmation."
                    ),
                    "parameters": _parameters(PROPOSAL_PARAMETERS, PROPOSAL_NOTES),
                    "responses": {
                        "200": _json_answer(
                            "The proposals, each line with its reason.", "Proposals"
                        ),
                        "400": bad_request,
                        "401": unauthorized,
                    },
                }
            },
            f"{PREFIX}/proposals/{{proposal_id}}": {
                "post": {
                    "operationId": "answerProposal",
                    "summary": (
                        "Accept a proposal, or change its quantities: within the "
                        "agreement's tolerance they apply at once, beyond it they "
                        "wait for the vendor's review."
                    ),
                    "parameters": [
                        {
                            "name": "proposal_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                    ],
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/json": {"schema": _ref("ProposalAnswer")}
                        },
                    },
                    "responses": {
                        "200": _json_answer("The proposal as answered.", "Proposal"),
                        "400": bad_request,
                        "401": unauthorized,
                        "404": _json_answer(
                            "No proposal waits for the key's company under this id.",
                            "Error",
                        ),
                    },
                }
            },
            f"{PREFIX}/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document.",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {
                                "application/json": {"schema": {"type": "object"}}
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An Odoo API key: Authorization: Bearer <key>.",
                }
            },
            "schemas": _schemas(env),
        },
    }


class VmiApiDocument(http.Controller):
    @http.route(
        f"{PREFIX}/openapi.json",
        type="http",
        auth="none",
        methods=["GET"],
        save_session=False,
    )
    def openapi(self, **__):
        """Served without a key, so that a client generator can read it before anyone
        has one."""
        return request.make_json_response(openapi_document(request.env))
