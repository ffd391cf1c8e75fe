from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Routes whose body is a document (``raw_body=True`` in their routing) keep it
        as sent.

        ``curl --data-binary @852.x12`` labels the body
        application/x-www-form-urlencoded, and reading the route's parameters parses
        such a body as a form, consuming it. Read (and cached) here, once the upload
        size limit is set and before the parameters are read, the body stays whole for
        the route.
        """
        result = super()._pre_dispatch(rule, args)
        if rule.endpoint.routing.get("raw_body"):
            request.httprequest.get_data()
        return result
