import json
import re

from openapi_spec_validator import validate

from odoo.tests import HttpCase, tagged

from ..controllers.api import MAX_SHIPMENTS
from .intake_common import VmiIntakeCommon

DOCUMENT = "/vmi/api/v1/openapi.json"
IGNORED_METHODS = {
    "HEAD",
    "OPTIONS",
}  # added by werkzeug and Odoo to every rule, not routes of ours


@tagged("post_install", "-at_install")
class TestVmiApiOpenApi(VmiIntakeCommon, HttpCase):
    """The API's OpenAPI document is served to anyone, names every route with its
    methods, and its schemas say what the real answers hold."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls.api_key(cls.portal_user(cls.customer, "openapi_buyer"))

    def call(self, path, data=None, headers=None):
        return self.url_open(
            path,
            data=data,
            headers={"Authorization": f"Bearer {self.key}", **(headers or {})},
        )

    def document(self):
        response = self.url_open(DOCUMENT)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        return response.json()

    def assert_matches(self, value, schema, document, where="answer"):
        """``value`` has the keys ``schema`` requires and the values its enums allow,
        all the way down."""
        while "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        if "oneOf" in schema:
            matching = []
            for option in schema["oneOf"]:
                try:
                    self.assert_matches(value, option, document, where)
                except AssertionError:
                    continue
                matching.append(option)
            self.assertTrue(
                matching, f"{where}: {value!r} matches none of {schema['oneOf']}"
            )
            return
        if value is None:
            self.assertTrue(schema.get("nullable"), f"{where} is null")
            return
        kind = schema.get("type")
        if kind == "object":
            self.assertIsInstance(value, dict, where)
            self.assertLessEqual(set(schema["required"]), set(value), where)
            for name, item in value.items():
                if name in schema["properties"]:
                    self.assert_matches(
                        item, schema["properties"][name], document, f"{where}.{name}"
                    )
        elif kind == "array":
            self.assertIsInstance(value, list, where)
            for position, item in enumerate(value):
                self.assert_matches(
                    item, schema["items"], document, f"{where}[{position}]"
                )
        elif kind:
            types = {
                "string": str,
                "integer": int,
                "number": (int, float),
                "boolean": bool,
            }[kind]
            self.assertIsInstance(value, types, where)
        if "enum" in schema:
            self.assertIn(value, schema["enum"], where)

    def answer_schema(self, document, path, method, status):
        return document["paths"][path][method]["responses"][str(status)]["content"][
            "application/json"
        ]["schema"]

    def test_served_without_key_as_openapi_3(self):
        self.assertNotIn(
            "session_id", self.url_open(DOCUMENT).cookies, "no session is opened for it"
        )
        document = self.document()
        self.assertRegex(document["openapi"], r"^3\.0\.\d+$")
        self.assertEqual(
            document["components"]["securitySchemes"]["apiKey"],
            {
                "type": "http",
                "scheme": "bearer",
                "description": "An Odoo API key: Authorization: Bearer <key>.",
            },
        )
        self.assertEqual(document["security"], [{"apiKey": []}])
        self.assertEqual(
            document["paths"][DOCUMENT]["get"]["security"],
            [],
            "the document itself needs no key",
        )
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                self.assertIn(method, {"get", "post"}, path)
                self.assertTrue(
                    operation["responses"], f"{method} {path} answers nothing"
                )
        validate(document)  # raises on any departure from OpenAPI 3.0

    def test_every_route_with_its_methods(self):
        routes = {}
        for rule in self.env["ir.http"].routing_map().iter_rules():
            if rule.rule.startswith("/vmi/api/v1/"):
                path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
                routes[path] = {
                    method.lower()
                    for method in rule.methods
                    if method not in IGNORED_METHODS
                }
        self.assertIn("/vmi/api/v1/shipments/{notice_id}/asn", routes)
        self.assertEqual(
            {
                path: set(operations)
                for path, operations in self.document()["paths"].items()
            },
            routes,
        )

    def test_limits_are_the_ones_checked(self):
        parameters = self.document()["paths"]["/vmi/api/v1/shipments"]["get"][
            "parameters"
        ]
        limit = next(
            parameter["schema"]
            for parameter in parameters
            if parameter["name"] == "limit"
        )
        self.assertEqual((limit["minimum"], limit["maximum"]), (1, MAX_SHIPMENTS))
        self.assertEqual(
            self.call(f"/vmi/api/v1/shipments?limit={limit['maximum']}").status_code,
            200,
        )
        self.assertEqual(
            self.call(
                f"/vmi/api/v1/shipments?limit={limit['maximum'] + 1}"
            ).status_code,
            400,
        )
        self.assertEqual(
            self.call(
                f"/vmi/api/v1/shipments?limit={limit['minimum'] - 1}"
            ).status_code,
            400,
        )
        formats = next(
            parameter["schema"]
            for parameter in self.document()["paths"][
                "/vmi/api/v1/shipments/{notice_id}/asn"
            ]["get"]["parameters"]
            if parameter["name"] == "format"
        )
        self.assertEqual(formats["enum"], ["x12", "edifact"])

    def test_answers_hold_what_the_schemas_require(self):
        document = self.document()
        reports, shipments = "/vmi/api/v1/stock-reports", "/vmi/api/v1/shipments"
        created = self.call(
            reports,
            headers={"Content-Type": "application/json"},
            data=json.dumps(
                {
                    "agreement": self.agreement.name,
                    "as_of": "2026-11-24T10:00:00Z",
                    "reference": "oa-1",
                    "period_start": "2026-11-01",
                    "period_end": "2026-11-24",
                    "lines": [
                        {
                            "product": "FURN-0001",
                            "location": "SITE-NORTH",
                            "on_hand": 12,
                            "consumed": 5,
                            "unit": "EA",
                        },
                        {"product": "NOPE-404", "location": "SITE-NORTH", "on_hand": 1},
                    ],
                }
            ),
        )
        self.assertEqual(created.status_code, 201, created.text)
        report = created.json()["report"]
        self.assertEqual(
            (report["state"], [line["state"] for line in report["lines"]]),
            ("partially_rejected", ["accepted", "rejected"]),
        )
        self.assert_matches(
            created.json(), self.answer_schema(document, reports, "post", 201), document
        )

        bad_limit = self.call(f"{shipments}?limit=0")
        self.assertEqual(bad_limit.status_code, 400)
        self.assertEqual(
            bad_limit.json(),
            {
                "error": f'"limit" must be a whole number from 1 to {MAX_SHIPMENTS}, '
                'not "0".'
            },
        )
        self.assert_matches(
            bad_limit.json(),
            self.answer_schema(document, shipments, "get", 400),
            document,
        )

        notice = self.validated_consignment_transfer()
        listing = self.call(shipments)
        self.assertEqual(
            [shipment["number"] for shipment in listing.json()["shipments"]],
            [notice.name],
        )
        self.assert_matches(
            listing.json(),
            self.answer_schema(document, shipments, "get", 200),
            document,
        )

        unknown = self.call(f"{shipments}/{notice.id + 1000}/asn")
        self.assertEqual(unknown.status_code, 404)
        self.assert_matches(
            unknown.json(),
            self.answer_schema(document, f"{shipments}/{{notice_id}}/asn", "get", 404),
            document,
        )

        refused = self.url_open(shipments)
        self.assertEqual(refused.status_code, 401)
        self.assertIn(
            "WWW-Authenticate",
            document["paths"][shipments]["get"]["responses"]["401"]["headers"],
        )
        self.assertRegex(refused.headers["WWW-Authenticate"], r"(?i)^bearer\b")
        self.assertTrue(
            refused.headers["Content-Type"].startswith("text/html"),
            "Odoo's page, as documented",
        )
