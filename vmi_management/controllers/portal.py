import csv
import io
import json
from collections import OrderedDict
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..intake import parse_json_lines
from ..tools import engine_language, format_quantity
from . import portal_incoming

LINES_PER_PAGE = 80
EXPORT_COLUMNS = (
    "product",
    "customer_code",
    "site",
    "status",
    "on_hand",
    "on_order",
    "min",
    "max",
    "days_of_supply",
    "next_delivery",
    "data_as_of",
)


def _as_id(value):
    """A record id sent in a form, 0 for anything else."""
    return int(value) if str(value).isdigit() else 0


class VmiPortal(CustomerPortal):
    """The customer's (or, where we are the customer, the vendor's) view of the stock
    managed under its agreements: ``/my/vmi``.

    Every page reads the agreement as the portal user, so the record rules on
    the commercial partner decide what exists; anything else answers as if it
    did not. Stock figures are those the last evaluation planned with, and
    each page says when that was. Counts and uploads go through the same
    intake pipeline as EDI and the HTTP API (``vmi.stock.report._receive``).
    """

    # ------------------------------------------------------------------
    # Home and agreements
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "vmi_count" in counters:
            Agreement = request.env["vmi.agreement"]
            values["vmi_count"] = (
                Agreement.search_count(self._vmi_agreement_domain())
                if Agreement.has_access("read")
                else 0
            )
        return values

    @staticmethod
    def _vmi_agreement_domain():
        """Agreements shown to the partner: signed ones (the record rules keep them to
        its own)."""
        return [("state", "!=", "draft")]

    @http.route(
        ["/my/vmi", "/my/vmi/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_vmi_agreements(self, page=1, sortby="name", **kw):
        Agreement = request.env["vmi.agreement"]
        sortings = {
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, name desc"},
            "data": {
                "label": request.env._("Last data received"),
                "order": "last_stock_report_date desc",
            },
        }
        sortby = sortby if sortby in sortings else "name"
        domain = self._vmi_agreement_domain()
        pager = portal_pager(
            url="/my/vmi",
            url_args={"sortby": sortby},
            total=Agreement.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        agreements = Agreement.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_vmi_history"] = agreements.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # found as the user; sites and company shown without stock rights
                "agreements": agreements.sudo(),
                "format_qty": format_quantity,
                "page_name": "vmi",
                "pager": pager,
                "default_url": "/my/vmi",
                "searchbar_sortings": sortings,
                "sortby": sortby,
            }
        )
        return request.render("vmi_management.portal_my_vmi_agreements", values)

    def _vmi_agreement(self, agreement_id, access_token=None):
        """The agreement as a sudo record once the portal user may read it; 404
        otherwise."""
        try:
            agreement = self._document_check_access(
                "vmi.agreement", agreement_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        if agreement.state == "draft":
            raise request.not_found()
        return agreement

    def _vmi_reporting_agreement(self, agreement_id):
        """The agreement whose stock the portal user's company may report (see
        ``vmi.agreement._stock_reporter_domain``), as a sudo record; 404 for any other.

        Counts and uploads run the intake as superuser: this check is what
        keeps a vendor's users, who see the stock they manage for us, from
        rewriting the stock in our own warehouse.
        """
        agreement = self._vmi_agreement(agreement_id)
        if not agreement._accepts_stock_reports_from(request.env.user.partner_id):
            raise request.not_found()
        return agreement

    @staticmethod
    def _vmi_one_of(records, record_id):
        """The record of ``records`` (an agreement's own) with this id, or 404 for any
        other id."""
        record = records.filtered(lambda record: record.id == record_id)
        if not record:
            raise request.not_found()
        return record

    # ------------------------------------------------------------------
    # Stock page
    # ------------------------------------------------------------------

    @staticmethod
    def _vmi_stock_sortings():
        return OrderedDict(
            [
                (
                    "product",
                    {
                        "label": request.env._("Product"),
                        "order": "product_id, location_id",
                    },
                ),
                (
                    "status",
                    {
                        "label": request.env._("Status"),
                        "order": "last_status, product_id",
                    },
                ),
                (
                    "days",
                    {
                        "label": request.env._("Days of supply"),
                        "order": "last_days_of_supply, product_id",
                    },
                ),
                (
                    "site",
                    {
                        "label": request.env._("Site"),
                        "order": "location_id, product_id",
                    },
                ),
            ]
        )

    @staticmethod
    def _vmi_status_filters():
        labels = dict(
            request.env["vmi.agreement.line"]
            ._fields["last_status"]
            ._description_selection(request.env)
        )
        filters = OrderedDict([("all", {"label": request.env._("All"), "domain": []})])
        for status, label in labels.items():
            filters[status] = {"label": label, "domain": [("last_status", "=", status)]}
        return filters

    def _vmi_stock_lines(
        self, agreement, search="", filterby="all", site=None, sortby="product"
    ):
        """The agreement's lines the page shows, as a search on the sudo model scoped to
        the agreement (whose access is checked), and the normalised options."""
        filters = self._vmi_status_filters()
        sortings = self._vmi_stock_sortings()
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "product"
        domain = [("agreement_id", "=", agreement.id)] + filters[filterby]["domain"]
        if search:
            domain += [
                "|",
                "|",
                ("product_id.name", "ilike", search),
                ("product_id.default_code", "ilike", search),
                ("customer_product_code", "ilike", search),
            ]
        site = agreement.location_ids.filtered(
            lambda location: str(location.id) == str(site)
        )[:1]
        if site:
            domain.append(("location_id", "=", site.id))
        return (
            domain,
            sortings[sortby]["order"],
            {
                "search": search,
                "filterby": filterby,
                "site": site,
                "sortby": sortby,
                "searchbar_filters": filters,
                "searchbar_sortings": sortings,
            },
        )

    @staticmethod
    def _vmi_incoming(agreement):
        """What is on its way to the agreement's sites: open transfers, shipped
        notices not yet acknowledged, and the next expected arrival per
        (product id, site id) (see ``portal_incoming``)."""
        products = agreement.line_ids.product_id
        transfers = portal_incoming.open_transfers(agreement, products)
        notices = portal_incoming.shipped_notices(agreement)
        next_delivery = portal_incoming.next_deliveries(agreement, transfers, notices)
        return transfers, notices, next_delivery

    @http.route(
        ["/my/vmi/<int:agreement_id>", "/my/vmi/<int:agreement_id>/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_vmi_stock(
        self,
        agreement_id,
        page=1,
        search="",
        filterby="all",
        site=None,
        sortby="product",
        access_token=None,
        acknowledged=None,
        **kw,
    ):
        """The managed stock, what is on its way, what was received.

        ``acknowledged``: the id of the shipment notice whose receipt was just
        acknowledged, which the page confirms.
        """
        agreement = self._vmi_agreement(agreement_id, access_token)
        Line = request.env["vmi.agreement.line"].sudo()
        domain, order, options = self._vmi_stock_lines(
            agreement, search, filterby, site, sortby
        )
        url_args = {
            "search": search,
            "filterby": options["filterby"],
            "sortby": options["sortby"],
        }
        if options["site"]:
            url_args["site"] = options["site"].id
        pager = portal_pager(
            url=f"/my/vmi/{agreement.id}",
            url_args=url_args,
            total=Line.search_count(domain),
            page=page,
            step=LINES_PER_PAGE,
        )
        lines = Line.search(
            domain, order=order, limit=LINES_PER_PAGE, offset=pager["offset"]
        )
        transfers, notices, next_delivery = self._vmi_incoming(agreement)
        received = portal_incoming.received_notices(agreement)
        values = self._prepare_portal_layout_values()
        values.update(options)
        values.update(
            {
                "agreement": agreement,
                "can_report": agreement._accepts_stock_reports_from(
                    request.env.user.partner_id
                ),
                "lines": lines,
                "transfers": transfers,
                "notices": notices,
                "received": received,
                "just_acknowledged": received.filtered(
                    lambda notice: str(notice.id) == acknowledged
                ),
                "next_delivery": next_delivery,
                "status_counts": dict(
                    Line._read_group(
                        [("agreement_id", "=", agreement.id)],
                        ["last_status"],
                        ["__count"],
                    )
                ),
                "orders": self._vmi_open_orders(agreement),
                "billing_orders": agreement.billing_order_ids.sorted(
                    "date_order", reverse=True
                )[:12],
                "reports": agreement.stock_report_ids[:5],
                "scorecard": agreement._scorecard_rows(),
                "pager": pager,
                "url_args": url_args,
                "default_url": f"/my/vmi/{agreement.id}",
                "searchbar_inputs": {
                    "product": {
                        "input": "product",
                        "label": request.env._("Search in Products"),
                    }
                },
                "search_in": "product",
                "page_name": "vmi_stock",
                "format_qty": format_quantity,
            }
        )
        return request.render("vmi_management.portal_my_vmi_stock", values)

    @staticmethod
    def _vmi_open_orders(agreement):
        """The agreement's replenishments still on their way: sale or purchase orders
        (with their portal link) or consignment transfers not yet done."""
        documents = agreement._replenishment_documents(
            [("state", "not in", ("done", "cancel"))]
        ).filtered(
            lambda document: not (
                document._name != "stock.picking"
                and document.picking_ids
                and all(
                    picking.state in ("done", "cancel")
                    for picking in document.picking_ids
                )
            )
        )
        return [
            {
                "name": document.name,
                "state": dict(
                    document._fields["state"]._description_selection(document.env)
                )[document.state],
                "date": document.scheduled_date
                if document._name == "stock.picking"
                else document.date_order,
                "url": document.get_portal_url()
                if document._name != "stock.picking"
                else None,
            }
            for document in documents.sorted("id", reverse=True)
        ]

    @http.route(
        "/my/vmi/<int:agreement_id>/lines/<int:line_id>",
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_vmi_line(self, agreement_id, line_id, **kw):
        """One product at one site over the last 90 days: on hand against min and max,
        deliveries marked."""
        agreement = self._vmi_agreement(agreement_id)
        line = self._vmi_one_of(agreement.line_ids, line_id)
        env = request.env
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "agreement": agreement,
                "line": line,
                "page_name": "vmi_line",
                "format_qty": format_quantity,
                "forecast_methods": dict(
                    line._fields["effective_forecast_method"]._description_selection(
                        env
                    )
                ),
                "series": json.dumps(env["vmi.stock.level"].sudo()._chart_data(line)),
                "series_labels": json.dumps(
                    {
                        "on_hand": env._("On hand"),
                        "min": env._("Min / trigger"),
                        "max": env._("Max / target"),
                        "received": env._("Received"),
                    }
                ),
            }
        )
        return request.render("vmi_management.portal_my_vmi_line", values)

    @http.route(
        "/my/vmi/<int:agreement_id>/review", type="http", auth="user", website=True
    )
    def portal_my_vmi_review(
        self, agreement_id, report_type="pdf", download=False, **kw
    ):
        """The agreement's periodic performance review, as the vendor sends it (PDF, or
        HTML to read online)."""
        agreement = self._vmi_agreement(agreement_id)
        return self._show_report(
            agreement,
            report_type if report_type in ("pdf", "html") else "pdf",
            "vmi_management.action_report_vmi_review",
            download=download,
        )

    @http.route(
        "/my/vmi/<int:agreement_id>/stock.<string:extension>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def portal_my_vmi_stock_export(
        self,
        agreement_id,
        extension,
        search="",
        filterby="all",
        site=None,
        sortby="product",
        **kw,
    ):
        """What the stock page shows under the same search, filter and sort, every page
        of it."""
        if extension not in ("csv", "xlsx"):
            raise request.not_found()
        agreement = self._vmi_agreement(agreement_id)
        domain, order, __ = self._vmi_stock_lines(
            agreement, search, filterby, site, sortby
        )
        lines = request.env["vmi.agreement.line"].sudo().search(domain, order=order)
        __, __, next_delivery = self._vmi_incoming(agreement)
        statuses = dict(
            lines._fields["last_status"]._description_selection(request.env)
        )
        rows = [
            [
                line.product_id.display_name,
                line.customer_product_code or "",
                line.location_id.name,
                statuses.get(line.last_status, ""),
                line.last_on_hand,
                line.last_on_order,
                line.last_trigger_level,
                line.last_target_level,
                line.last_days_of_supply if line.last_demand_rate else None,
                self._vmi_export_delivery(
                    next_delivery.get((line.product_id.id, line.location_id.id))
                ),
                fields.Datetime.to_string(line.last_evaluation_date) or "",
            ]
            for line in lines
        ]
        filename = f"{agreement.name.replace('/', '-')}-stock.{extension}"
        if extension == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(rows)
            content, mimetype = buffer.getvalue().encode(), "text/csv"
        else:
            content = self._vmi_xlsx(EXPORT_COLUMNS, rows)
            mimetype = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    @staticmethod
    def _vmi_export_delivery(delivery):
        """The next delivery as the export writes it: date and time, or empty."""
        return fields.Datetime.to_string(delivery.date) if delivery else ""

    @staticmethod
    def _vmi_xlsx(columns, rows):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Stock")
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    # ------------------------------------------------------------------
    # Counts and uploads, through the intake pipeline
    # ------------------------------------------------------------------

    @staticmethod
    def _vmi_line_codes(line):
        """The product and site codes a report line names this agreement line by."""
        product = (
            line.customer_product_code
            or line.product_id.default_code
            or line.product_id.barcode
        )
        return product, line.location_id.barcode or line.location_id.complete_name

    @http.route(
        "/my/vmi/<int:agreement_id>/count",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_vmi_count_form(self, agreement_id, site=None, search="", **kw):
        agreement = self._vmi_reporting_agreement(agreement_id)
        domain, order, options = self._vmi_stock_lines(
            agreement, search, "all", site, "product"
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "site": options["site"],
                "agreement": agreement,
                "lines": request.env["vmi.agreement.line"]
                .sudo()
                .search(domain, order=order),
                "line_codes": self._vmi_line_codes,
                "page_name": "vmi_count",
                "format_qty": format_quantity,
            }
        )
        return request.render("vmi_management.portal_my_vmi_count", values)

    @http.route(
        "/my/vmi/<int:agreement_id>/count",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_vmi_count_submit(self, agreement_id, **post):
        """Turn the form into the JSON lines the HTTP API takes, and receive them as a
        portal report."""
        agreement = self._vmi_reporting_agreement(agreement_id)
        lines = (
            request.env["vmi.agreement.line"]
            .sudo()
            .search([("agreement_id", "=", agreement.id)])
        )
        report_lines = []
        for line in lines:
            on_hand, consumed = (
                post.get(f"{name}_{line.id}", "").strip()
                for name in ("on_hand", "consumed")
            )
            if not (on_hand or consumed):
                continue
            product, location = self._vmi_line_codes(line)
            report_lines.append(
                {
                    "product": product,
                    "location": location,
                    "on_hand": on_hand or None,
                    "consumed": consumed or None,
                }
            )
        if not report_lines:
            return request.redirect(f"/my/vmi/{agreement.id}/count?error=empty")
        document = {
            "agreement": agreement.name,
            "as_of": fields.Datetime.to_string(fields.Datetime.now()),
            "submitted_by": request.env.user.name,
            "lines": report_lines,
        }
        payload = json.dumps(document, indent=1).encode()
        with engine_language(request.env):
            report, __ = (
                request.env["vmi.stock.report"]
                .sudo()
                ._receive(
                    agreement,
                    payload,
                    source="portal",
                    filename="portal-count.json",
                    parsed=parse_json_lines(document),
                )
            )
        return request.redirect(f"/my/vmi/{agreement.id}/reports/{report.id}")

    @http.route(
        "/my/vmi/<int:agreement_id>/upload",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_vmi_upload(self, agreement_id, report_file=None, **post):
        """A CSV, Excel or EDI file sent from the portal: the same pipeline as every
        channel."""
        agreement = self._vmi_reporting_agreement(agreement_id)
        payload = report_file.read() if report_file else b""
        if not payload:
            return request.redirect(f"/my/vmi/{agreement.id}/count?error=nofile")
        report, __ = (
            request.env["vmi.stock.report"]
            .sudo()
            ._receive(
                agreement, payload, source="portal", filename=report_file.filename or ""
            )
        )
        return request.redirect(f"/my/vmi/{agreement.id}/reports/{report.id}")

    @http.route(
        "/my/vmi/<int:agreement_id>/reports/<int:report_id>",
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_vmi_report(self, agreement_id, report_id, **kw):
        """A report's per-line results: which lines were applied, and why the others
        were not."""
        agreement = self._vmi_agreement(agreement_id)
        report = self._vmi_one_of(agreement.stock_report_ids, report_id)
        values = self._prepare_portal_layout_values()
        customer_codes = {
            (line.product_id.id, line.location_id.id): line.customer_product_code
            for line in agreement.line_ids
            if line.customer_product_code
        }
        values.update(
            {
                "agreement": agreement,
                "report": report,
                "customer_codes": customer_codes,
                "page_name": "vmi_report",
                "format_qty": format_quantity,
            }
        )
        return request.render("vmi_management.portal_my_vmi_report", values)

    @http.route(
        "/my/vmi/<int:agreement_id>/proposals",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_vmi_proposals(self, agreement_id, answered=None, **kw):
        """The proposals waiting for the customer's confirmation, each line with its
        reason.

        ``answered``: the id of the proposal just answered, whose outcome the page
        shows.
        """
        agreement = self._vmi_reporting_agreement(agreement_id)
        documents = agreement._replenishment_documents()
        answered = documents.filtered(lambda document: str(document.id) == answered)
        return self._vmi_render_proposals(agreement, answered=answered)

    def _vmi_render_proposals(self, agreement, answered=None, error=None, status=200):
        values = self._prepare_portal_layout_values()
        states = dict(
            request.env["sale.order"]
            ._fields["vmi_confirmation_state"]
            ._description_selection(request.env)
        )
        proposals = [
            (
                proposal,
                [
                    (line.vmi_line_id, line[proposal._vmi_qty_field])
                    for line in proposal._vmi_lines()
                    if line.vmi_line_id
                ],
            )
            for proposal in agreement._waiting_proposals()
        ]
        values.update(
            {
                "agreement": agreement,
                "proposals": proposals,
                "answered": answered,
                "confirmation_states": states,
                "error": error,
                "page_name": "vmi_proposals",
                "format_qty": format_quantity,
            }
        )
        return request.render(
            "vmi_management.portal_my_vmi_proposals", values, status=status
        )

    @http.route(
        "/my/vmi/<int:agreement_id>/proposals/<int:proposal_id>",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_vmi_proposal_answer(self, agreement_id, proposal_id, **post):
        """The customer accepts a proposal or changes its quantities
        (``qty_<agreement line id>`` fields)."""
        agreement = self._vmi_reporting_agreement(agreement_id)
        proposal = self._vmi_one_of(agreement._replenishment_documents(), proposal_id)
        requested = {}
        for line in proposal._vmi_lines().vmi_line_id:
            raw = (post.get(f"qty_{line.id}") or "").strip()
            if not raw:
                continue
            try:
                requested[line] = float(raw)
            except ValueError:
                return self._vmi_render_proposals(
                    agreement,
                    error=request.env._(
                        "%(value)s is not a quantity (%(product)s).",
                        value=raw,
                        product=line.product_id.display_name,
                    ),
                    status=400,
                )
        try:
            proposal._vmi_customer_answer(requested, request.env.user)
        except UserError as error:
            return self._vmi_render_proposals(
                agreement, error=error.args[0], status=400
            )
        return request.redirect(
            f"/my/vmi/{agreement.id}/proposals?answered={proposal.id}"
        )

    # ------------------------------------------------------------------
    # Planned events
    # ------------------------------------------------------------------

    @http.route(
        "/my/vmi/<int:agreement_id>/events",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_vmi_events(self, agreement_id, **kw):
        """The promotions and other events planned on the agreement, and a form to add
        one."""
        return self._vmi_render_events(self._vmi_reporting_agreement(agreement_id))

    def _vmi_render_events(self, agreement, error=None, entered=None, status=200):
        values = self._prepare_portal_layout_values()
        since = fields.Date.context_today(agreement) - timedelta(days=90)
        events = agreement.demand_event_ids.filtered(
            lambda event: event.date_end >= since
        )
        uplift_types = dict(
            request.env["vmi.demand.event"]
            ._fields["uplift_type"]
            ._description_selection(request.env)
        )
        values.update(
            {
                "agreement": agreement,
                "events": events.sorted("date_start", reverse=True),
                "products": agreement.line_ids.product_id,
                "sites": agreement.location_ids,
                "uplift_types": uplift_types,
                "error": error,
                "entered": entered or {},
                "page_name": "vmi_events",
                "format_qty": format_quantity,
            }
        )
        return request.render(
            "vmi_management.portal_my_vmi_events", values, status=status
        )

    @http.route(
        "/my/vmi/<int:agreement_id>/events",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_vmi_event_add(self, agreement_id, **post):
        """The customer plans an event: name, dates, product (or all), site (or all),
        factor or extra quantity."""
        agreement = self._vmi_reporting_agreement(agreement_id)
        try:
            vals = self._vmi_event_vals(agreement, post)
            with request.env.cr.savepoint():
                request.env["vmi.demand.event"].sudo().create(vals)
        except (UserError, ValidationError) as error:
            return self._vmi_render_events(
                agreement, error=error.args[0], entered=post, status=400
            )
        return request.redirect(f"/my/vmi/{agreement.id}/events")

    def _vmi_event_vals(self, agreement, post):
        """The values of an event the customer entered, each field checked against the
        agreement."""
        _ = request.env._
        name = (post.get("name") or "").strip()
        if not name:
            raise UserError(_("Give the event a name, such as 'Spring promotion'."))
        try:
            date_start = fields.Date.to_date(post.get("date_start"))
            date_end = fields.Date.to_date(post.get("date_end"))
        except ValueError:
            raise UserError(
                _("Enter the first and last day of the event as dates (YYYY-MM-DD).")
            ) from None
        if not date_start or not date_end:
            raise UserError(_("Enter the first and last day of the event."))
        # an id that is not one of the agreement's own answers 404, as if it did not
        # exist
        product = (
            self._vmi_one_of(
                agreement.line_ids.product_id, _as_id(post.get("product_id"))
            )
            if post.get("product_id")
            else request.env["product.product"]
        )
        site = (
            self._vmi_one_of(agreement.location_ids, _as_id(post.get("location_id")))
            if post.get("location_id")
            else request.env["stock.location"]
        )
        uplift_type = post.get("uplift_type")
        if uplift_type not in ("factor", "quantity"):
            raise UserError(
                _("Choose how the event changes demand: a factor or an extra quantity.")
            )
        raw = (post.get("uplift") or "").strip()
        try:
            uplift = float(raw)
        except ValueError:
            raise UserError(
                _(
                    "%(value)s is not a number: enter the factor (1.5 for half as "
                    "much again) or the extra quantity.",
                    value=raw or _("An empty value"),
                )
            ) from None
        return {
            "agreement_id": agreement.id,
            "name": name,
            "date_start": date_start,
            "date_end": date_end,
            "product_id": product.id,
            "location_id": site.id,
            "uplift_type": uplift_type,
            "uplift_factor": uplift if uplift_type == "factor" else 1.0,
            "uplift_qty": uplift if uplift_type == "quantity" else 0.0,
            "source": "customer",
            "note": (post.get("note") or "").strip() or False,
        }

    @http.route(
        "/my/vmi/<int:agreement_id>/events/<int:event_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_vmi_event_cancel(self, agreement_id, event_id, **post):
        """The customer withdraws an event it entered (archived, so the record of it
        stays)."""
        agreement = self._vmi_reporting_agreement(agreement_id)
        event = self._vmi_one_of(
            agreement.demand_event_ids.filtered(
                lambda event: event.source == "customer"
            ),
            event_id,
        )
        event.active = False
        return request.redirect(f"/my/vmi/{agreement.id}/events")

    @http.route(
        "/my/vmi/<int:agreement_id>/shipments/<int:notice_id>/acknowledge",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_vmi_acknowledge(self, agreement_id, notice_id, **post):
        """The customer confirms a delivery arrived."""
        agreement = self._vmi_agreement(agreement_id)
        notice = (
            request.env["vmi.shipment.notice"]
            .sudo()
            .search([("id", "=", notice_id), ("agreement_id", "=", agreement.id)])
        )
        if not notice:
            raise request.not_found()
        if notice.state == "sent":
            notice.action_acknowledge()
            notice.picking_id.message_post(
                body=request.env._(
                    "Receipt acknowledged by %(user)s in the portal.",
                    user=request.env.user.name,
                )
            )
        return request.redirect(
            f"/my/vmi/{agreement.id}?acknowledged={notice.id}#shipments"
        )
