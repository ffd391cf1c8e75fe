from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..engine.loads import LoadLimits
from ..tools import (
    OptionalFloat,
    OptionalInteger,
    company_tz,
    day_start,
    format_quantity,
    local_date,
    read_group_rows,
)
from . import vmi_replenishment
from .vmi_kpi_snapshot import KPI_FIELDS, TARGET_FIELDS
from .vmi_stock_level import KPI_PERIOD_DAYS
from .vmi_stock_report import APPLIED_STATES

MANAGER_GROUP = "vmi_management.group_vmi_manager"
# The engine's forecast methods (engine/forecast.py, engine/demand.py), as planners name
# them.
FORECAST_METHODS = [
    ("auto", "Automatic"),
    ("moving_average", "Moving average (28 days)"),
    ("ses", "Exponential smoothing"),
    ("holt", "Trend (damped Holt)"),
    ("holt_winters", "Weekly pattern (Holt-Winters)"),
    ("croston", "Intermittent (Croston)"),
    ("sba", "Intermittent (SBA)"),
    ("tsb", "Intermittent, obsolescence-aware (TSB)"),
    ("customer", "Customer forecast"),
    ("blend", "Blend of customer and statistical"),
]

# Lifecycle: action -> (states it may start from, state it leads to, needs a manager)
_TRANSITIONS = {
    "action_start_pilot": (("draft",), "pilot", True),
    "action_activate": (("draft", "pilot"), "active", True),
    "action_suspend": (("pilot", "active"), "suspended", True),
    "action_resume": (("suspended",), "active", True),
    "action_terminate": (("draft", "pilot", "active", "suspended"), "terminated", True),
    "action_reset_to_draft": (("pilot",), "draft", False),
}


class VmiAgreement(models.Model):
    """A Vendor Managed Inventory agreement with one partner.

    It carries what both parties signed: who manages whose stock (``role``),
    who owns it until it is consumed (``ownership``), the service levels the
    vendor commits to, how orders are raised, and at which customer sites.
    The lines say, per product and site, how replenishment is decided.
    """

    _name = "vmi.agreement"
    _description = "VMI Agreement"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "name desc, id desc"
    # the partner's portal users message the vendor on the agreement they can see
    _mail_post_access = "read"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        help="The customer whose stock we manage or, when we are the customer, "
        "the vendor who manages our stock.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Commercial Entity",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    role = fields.Selection(
        [("vendor", "We are the vendor"), ("customer", "We are the customer")],
        required=True,
        default="vendor",
        tracking=True,
        help="We are the vendor: we replenish the partner's stock with sale orders or "
        "consignment transfers. We are the customer: the partner replenishes our "
        "stock and the agreement proposes purchase orders to it.",
    )
    ownership = fields.Selection(
        [
            ("customer_owned", "Customer-owned after delivery"),
            ("consignment", "Consignment: vendor-owned until consumed"),
        ],
        string="Inventory Ownership",
        required=True,
        default="customer_owned",
        tracking=True,
        help="Customer-owned: stock belongs to the customer once delivered; its levels "
        "come from the customer's reports. Consignment: the vendor keeps ownership of "
        "the stock at the customer's site until it is consumed, then bills it.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pilot", "Pilot"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("terminated", "Terminated"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand=True,
    )
    date_start = fields.Date(string="Start Date", tracking=True, copy=False)
    date_end = fields.Date(string="End Date", tracking=True, copy=False)
    review_interval_months = fields.Integer(
        string="Performance Review Every (Months)",
        default=3,
        help="How often both parties review the agreement's performance.",
    )
    date_next_review = fields.Date(string="Next Review", tracking=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Planner who follows this agreement: exceptions and reviews are assigned "
        "to them.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
        help="Our warehouse that ships the replenishments (we are the vendor) or "
        "receives them (we are the customer).",
    )
    location_ids = fields.Many2many(
        "stock.location",
        "vmi_agreement_location_rel",
        "agreement_id",
        "location_id",
        string="Site Locations",
        check_company=True,
        help="One location per customer site whose stock this agreement manages.",
    )
    line_ids = fields.One2many(
        "vmi.agreement.line", "agreement_id", string="Lines", copy=True
    )
    uom_code_ids = fields.One2many(
        "vmi.uom.code",
        "agreement_id",
        string="Unit Codes",
        copy=True,
        help="This customer's own unit codes, over the defaults of VMI › Unit Codes.",
    )
    line_count = fields.Integer(compute="_compute_line_counts")
    pilot_line_count = fields.Integer(compute="_compute_line_counts")
    stock_owner_id = fields.Many2one(
        "res.partner",
        compute="_compute_stock_owner_id",
        help="Whose stock the site locations hold, as Odoo records it on quants: our "
        "own stock carries no owner (or our company's partner), stock consigned "
        "to us carries the vendor as owner.",
    )

    # Service-level targets
    target_fill_rate = fields.Float(
        string="Target Fill Rate (%)",
        default=95.0,
        tracking=True,
        help="Share of the demanded quantity the customer's site must be able to serve "
        "from stock.",
    )
    target_inventory_turns = fields.Float(
        digits=(16, 1),
        help="Turns per year both parties aim for: consumption over a year ÷ average "
        "stock at the sites.",
    )
    target_days_of_supply = fields.Float(
        string="Target Days of Supply",
        digits=(16, 1),
        help="Days the stock at the sites should last at the current demand.",
    )
    kpi_fill_rate = OptionalFloat(
        string="Fill Rate (%)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Share of demand met from stock over the last 30 days; demand on days a "
        "line was out of stock is counted at its daily demand rate.",
    )
    kpi_inventory_turns = OptionalFloat(
        string="Inventory Turns",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Consumption over the last 30 days ÷ average stock, per year.",
    )
    kpi_days_of_supply = OptionalFloat(
        string="Days of Supply",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Stock on hand ÷ daily demand, over all lines.",
    )
    kpi_stockout_days = OptionalInteger(
        string="Stockout Days",
        readonly=True,
        copy=False,
        help="Line-days with nothing on hand over the last 30 days.",
    )
    kpi_forecast_accuracy = OptionalFloat(
        string="Forecast Accuracy (%)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="1 − WAPE of the daily demand forecast against the consumption of the "
        "last 30 days.",
    )
    kpi_forecast_bias = OptionalFloat(
        string="Forecast Bias",
        readonly=True,
        copy=False,
        digits=(16, 2),
        help="Average of forecast − actual per day: positive when it runs high.",
    )
    kpi_forecast_bias_percent = OptionalFloat(
        string="Forecast Bias (%)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="(Σ forecast − Σ consumption) ÷ Σ consumption over the last 30 days: "
        "positive when it ran high.",
    )
    kpi_forecast_mase = OptionalFloat(
        string="Forecast MASE",
        readonly=True,
        copy=False,
        digits=(16, 2),
        help="Mean absolute error of the daily forecast ÷ that of 'tomorrow as today', "
        "last 30 days: below 1, the forecast beat the naive one.",
    )
    kpi_forecast_value_added = OptionalFloat(
        string="Customer Forecast Value Added (pts)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="On the days the customer sent forecasts for: the statistical forecast's "
        "error less the customer's, in points of demand. Positive: the customer's "
        "forecasts are the more accurate.",
    )
    kpi_bullwhip_ratio = OptionalFloat(
        string="Bullwhip Ratio",
        readonly=True,
        copy=False,
        digits=(16, 2),
        help="Variance of daily orders ÷ variance of daily consumption: above 1, "
        "replenishment amplifies demand swings.",
    )
    kpi_on_time_rate = OptionalFloat(
        string="On-Time Delivery (%)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Replenishments received within the order cycle time, last 30 days.",
    )
    kpi_date = fields.Datetime(string="KPIs As Of", readonly=True, copy=False)
    kpi_scorecard = fields.Html(
        string="Scorecard", compute="_compute_kpi_scorecard", sanitize=False
    )
    replenishment_frequency = fields.Selection(
        [("interval", "Every N days"), ("weekdays", "On fixed weekdays")],
        default="interval",
        required=True,
        help="When the vendor reviews the stock and may ship.",
    )
    review_interval_days = fields.Integer(
        string="Stock Review Every (Days)",
        default=1,
        help="Days between two evaluations of the stock, when the vendor reviews it "
        "every N days.",
    )
    review_monday = fields.Boolean(string="Monday")
    review_tuesday = fields.Boolean(string="Tuesday")
    review_wednesday = fields.Boolean(string="Wednesday")
    review_thursday = fields.Boolean(string="Thursday")
    review_friday = fields.Boolean(string="Friday")
    review_saturday = fields.Boolean(string="Saturday")
    review_sunday = fields.Boolean(string="Sunday")
    order_cycle_time_days = fields.Integer(
        string="Order Cycle Time (Days)",
        default=5,
        help="Agreed days between the replenishment decision and delivery at the site.",
    )
    max_data_age_days = fields.Integer(
        string="Maximum Data Age (Days)",
        default=7,
        help="Stock and consumption data older than this is stale: replenishment "
        "decisions resting on it are flagged.",
    )

    # Order handling
    order_mode = fields.Selection(
        [("draft", "Create drafts for review"), ("confirm", "Confirm automatically")],
        default="draft",
        required=True,
        tracking=True,
    )
    supply_priority = fields.Selection(
        [("0", "High"), ("1", "Normal"), ("2", "Low")],
        default="1",
        required=True,
        tracking=True,
        help="When the shipping warehouse cannot cover every agreement's needs, "
        "agreements of a higher priority are served in full first; those of one "
        "priority share what is left fairly.",
    )
    load_min_value = fields.Monetary(
        string="Minimum Delivery Value",
        currency_field="currency_id",
        tracking=True,
        help="A site's delivery worth less is topped up with the lines closest to "
        "running out, or held. Zero: no minimum.",
    )
    load_min_weight = fields.Float(
        string="Minimum Delivery Weight",
        tracking=True,
        help="In the products' weight unit. A lighter delivery is topped up, or held. "
        "Zero: no minimum.",
    )
    load_max_weight = fields.Float(
        string="Maximum Delivery Weight",
        tracking=True,
        help="In the products' weight unit, e.g. what a truck takes. A heavier "
        "delivery is trimmed, first from the lines with the most cover. Zero: no "
        "maximum.",
    )
    load_max_volume = fields.Float(
        string="Maximum Delivery Volume",
        tracking=True,
        help="In the products' volume unit. A bulkier delivery is trimmed, first from "
        "the lines with the most cover. Zero: no maximum.",
    )
    load_max_pallets = fields.Float(
        string="Maximum Pallets per Delivery",
        tracking=True,
        help="Pallet places a site's delivery may take, from each product's packaging "
        "of the pallet type below (units per pallet). A delivery taking more is "
        "trimmed, first from the lines with the most cover. Zero: no maximum.",
    )
    pallet_package_type_id = fields.Many2one(
        "stock.package.type",
        string="Pallet Type",
        help="The package type of the products' pallet packaging, which says how many "
        "units a pallet holds.",
    )
    override_tolerance = fields.Float(
        string="Planner Override Tolerance (%)",
        default=20.0,
        tracking=True,
        help="A planner's own quantity on a draft proposal line is kept by later "
        "evaluations until the quantity the scheduler would propose moves by more than "
        "this share from the one the planner changed.",
    )
    forecast_method = fields.Selection(
        FORECAST_METHODS,
        default="auto",
        required=True,
        tracking=True,
        help="How the lines' daily demand is forecast, unless a line says otherwise. "
        "Automatic: the method with the smallest error on the last days held out, "
        "among those suited to the line's demand (steady, trending, weekly or "
        "intermittent).",
    )
    forecast_blend_weight = fields.Float(
        string="Customer Forecast Weight (%)",
        default=50.0,
        tracking=True,
        help="In a blend, the customer's forecast counts for this share; the "
        "statistical forecast for the rest.",
    )
    forecast_bias_tolerance = fields.Float(
        string="Forecast Bias Tolerance (%)",
        default=20.0,
        tracking=True,
        help="A line whose forecasts ran high or low by more than this share of its "
        "demand over the last 30 days raises a 'forecast bias' exception.",
    )
    demand_event_ids = fields.One2many(
        "vmi.demand.event", "agreement_id", string="Events"
    )
    approval_threshold = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        help="Orders worth more than this stay in draft until a VMI Manager approves "
        "them, even when orders are confirmed automatically. Zero: no threshold.",
    )
    date_next_evaluation = fields.Datetime(
        string="Next Evaluation",
        copy=False,
        index=True,
        help="When the scheduled replenishment next evaluates this agreement, "
        "following its replenishment frequency. Empty: at the next run.",
    )
    last_evaluation_date = fields.Datetime(
        string="Last Evaluated", readonly=True, copy=False
    )
    evaluation_requested = fields.Boolean(
        compute="_compute_evaluation_requested",
        help="New stock data arrived since the last evaluation: the scheduled "
        "replenishment evaluates the agreement at once, without moving its next "
        "scheduled evaluation.",
    )
    sale_order_ids = fields.One2many(
        "sale.order", "vmi_agreement_id", string="Sale Orders"
    )
    purchase_order_ids = fields.One2many(
        "purchase.order", "vmi_agreement_id", string="Purchase Orders"
    )
    picking_ids = fields.One2many(
        "stock.picking", "vmi_agreement_id", string="Transfers"
    )
    replenishment_count = fields.Integer(
        compute="_compute_replenishment_count", string="Replenishments"
    )
    stock_report_ids = fields.One2many(
        "vmi.stock.report", "agreement_id", string="Stock Reports"
    )
    exception_count = fields.Integer(
        compute="_compute_exception_count", string="Exceptions Needing Attention"
    )
    stock_report_count = fields.Integer(compute="_compute_stock_report_count")
    last_stock_report_date = fields.Datetime(
        string="Last Data Received",
        compute="_compute_last_stock_report_date",
        search="_search_last_stock_report_date",
        help="As-of moment of the latest stock report applied, whatever its channel.",
    )
    is_data_stale = fields.Boolean(
        string="Stale Data",
        compute="_compute_is_data_stale",
        search="_search_is_data_stale",
        help="No stock report applied within the agreement's maximum data age: "
        "decisions rest on old data.",
    )
    data_sharing_terms = fields.Html(
        help="What the customer shares (on hand, consumption, forecasts), how often, "
        "through which channel, and who may see it.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "An agreement reference must be unique per company.",
        ),
    ]

    @api.depends("line_ids.in_pilot_scope")
    def _compute_line_counts(self):
        for agreement in self:
            agreement.line_count = len(agreement.line_ids)
            agreement.pilot_line_count = len(
                agreement.line_ids.filtered("in_pilot_scope")
            )

    @api.depends("sale_order_ids", "purchase_order_ids", "picking_ids")
    def _compute_replenishment_count(self):
        for agreement in self:
            agreement.replenishment_count = len(agreement._replenishment_documents())

    @api.depends("stock_report_ids")
    def _compute_stock_report_count(self):
        counts = dict(
            self.env["vmi.stock.report"]._read_group(
                [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"]
            )
        )
        for agreement in self:
            agreement.stock_report_count = counts.get(agreement, 0)

    def _compute_exception_count(self):
        exceptions = self.env["vmi.exception"]
        counts = dict(
            exceptions._read_group(
                [
                    ("agreement_id", "in", self.ids),
                    *exceptions._needs_attention_domain(),
                ],
                ["agreement_id"],
                ["__count"],
            )
        )
        for agreement in self:
            agreement.exception_count = counts.get(agreement, 0)

    @api.depends("kpi_date", *(f"kpi_{name}" for name in KPI_FIELDS), *TARGET_FIELDS)
    def _compute_kpi_scorecard(self):
        """The scorecard table of the review, so the back office reads the same figures,
        n/a and verdicts."""
        for agreement in self:
            agreement.kpi_scorecard = self.env["ir.qweb"]._render(
                "vmi_management.report_vmi_scorecard_table",
                {"scorecard": agreement._scorecard_rows()},
            )

    def _scorecard_rows(self):
        """The agreement's KPIs beside their targets, as the back office, the portal and
        the review show them.

        :returns: list of dicts ``label, help, actual, text, unit, target, target_text,
            digits, on_target`` (``text`` and ``target_text``: the figures as shown):
            ``actual`` is None where the period leaves the KPI undefined (no demand, no
            stock observed, no delivery) or before the first evaluation, and ``text``
            then reads "n/a"; ``on_target`` is True or False, or None where there is no
            verdict: no actual, no target to meet or no better direction
        """
        self.ensure_one()
        undefined = self.env._("n/a")

        def row(fname, label, unit, target, digits, higher_is_better):
            actual = self[fname] if self.kpi_date else None
            on_target = None
            if (
                actual is not None
                and higher_is_better is not None
                and (target or not higher_is_better)
            ):
                on_target = actual >= target if higher_is_better else actual <= target
            return {
                "label": label,
                "help": self._fields[fname]._description_help(self.env),
                "actual": actual,
                "text": format_quantity(actual, digits, undefined),
                "unit": unit,
                "target": target,
                "target_text": format_quantity(target, digits),
                "digits": digits,
                "on_target": on_target,
            }

        return [
            row(
                "kpi_fill_rate",
                self.env._("Fill rate"),
                "%",
                self.target_fill_rate,
                1,
                True,
            ),
            row(
                "kpi_inventory_turns",
                self.env._("Inventory turns"),
                self.env._("/ year"),
                self.target_inventory_turns,
                1,
                True,
            ),
            row(
                "kpi_days_of_supply",
                self.env._("Days of supply"),
                self.env._("days"),
                self.target_days_of_supply,
                1,
                None,
            ),
            row("kpi_stockout_days", self.env._("Stockout days"), "", 0, 0, False),
            row(
                "kpi_forecast_accuracy",
                self.env._("Forecast accuracy"),
                "%",
                0,
                1,
                None,
            ),
            row("kpi_forecast_bias", self.env._("Forecast bias"), "", 0, 2, None),
            row(
                "kpi_forecast_bias_percent",
                self.env._("Relative forecast bias"),
                "%",
                0,
                1,
                None,
            ),
            row("kpi_forecast_mase", self.env._("Forecast MASE"), "", 1.0, 2, False),
            row(
                "kpi_forecast_value_added",
                self.env._("Customer forecast value added"),
                self.env._("pts"),
                0,
                1,
                None,
            ),
            row("kpi_bullwhip_ratio", self.env._("Bullwhip ratio"), "", 0, 2, None),
            row("kpi_on_time_rate", self.env._("On-time delivery"), "%", 0, 1, None),
        ]

    def _review_values(self):
        """What the periodic review shows beyond the scorecard: the period's exceptions,
        threshold changes and the daily stock at the sites."""
        self.ensure_one()
        start = (self.kpi_date or fields.Datetime.now()) - relativedelta(
            days=KPI_PERIOD_DAYS
        )
        exceptions = (
            self.env["vmi.exception"]
            .sudo()
            .search(
                [
                    ("agreement_id", "=", self.id),
                    "|",
                    ("state", "=", "open"),
                    ("date_resolved", ">=", start),
                ]
            )
        )
        levels = (
            self.env["vmi.stock.level"]
            .sudo()
            ._read_group(
                [("agreement_id", "=", self.id), ("date", ">=", start.date())],
                ["date:day"],
                ["on_hand:sum"],
            )
        )
        return {
            "period_start": start,
            "exceptions": exceptions,
            "threshold_changes": self.env["vmi.threshold.suggestion"]
            .sudo()
            .search(
                [
                    ("agreement_id", "=", self.id),
                    ("state", "!=", "proposed"),
                    ("date_decided", ">=", start),
                ]
            ),
            "daily_stock": [
                (fields.Date.to_date(day), quantity) for day, quantity in levels
            ],
        }

    def _get_report_base_filename(self):
        """The review's file name, in the back office (the report's
        ``print_report_name``) and on the portal."""
        self.ensure_one()
        return f"VMI review {self.name.replace('/', '-')}"

    def action_send_review(self):
        """Send the periodic performance review to the partner's contacts, by the usual
        email composer."""
        self.ensure_one()
        template = self.env.ref("vmi_management.mail_template_vmi_review")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send the Performance Review"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
            },
        }

    def action_simulate(self):
        """Open the simulation of this agreement (or its pilot scope) over its recent
        demand."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate the Agreement"),
            "res_model": "vmi.pilot.simulation",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_agreement_id": self.id,
                "default_scope": "pilot"
                if self.line_ids.filtered("in_pilot_scope")
                else "all",
            },
        }

    def action_suggest_thresholds(self):
        """Ask the engine for thresholds fitted to recent demand, to review beside the
        current ones."""
        self.check_access("write")
        return self.env["vmi.threshold.suggestion"].sudo()._action_suggest(self.sudo())

    def action_view_exceptions(self):
        return self._action_on_agreement(
            "vmi_management.vmi_exception_action", with_default=False
        )

    def _stale_data_limit(self):
        """The oldest acceptable data moment, or None where staleness does not apply.

        Only a vendor depends on the customer's data; when we are the customer,
        the managed stock is in our own books. Zero days switches the check off.
        """
        self.ensure_one()
        if (
            self.role != "vendor"
            or self.state not in ("pilot", "active")
            or self.max_data_age_days <= 0
        ):
            return None
        return fields.Datetime.now() - relativedelta(days=self.max_data_age_days)

    @api.depends("stock_report_ids.state", "stock_report_ids.date_as_of")
    def _compute_last_stock_report_date(self):
        """Read from the applied reports rather than stored on the agreement: recording
        it would make every report rewrite (and lock) the agreement row, so that
        concurrent reports of one agreement wait for each other, and for any evaluation
        holding the agreement, and fail to serialize."""
        latest = dict(
            self.env["vmi.stock.report"]
            .sudo()
            ._read_group(
                [("agreement_id", "in", self.ids), ("state", "in", APPLIED_STATES)],
                ["agreement_id"],
                ["date_as_of:max"],
            )
        )
        for agreement in self:
            agreement.last_stock_report_date = latest.get(agreement, False)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The last data received as SQL, so that agreements sort (the portal's "Last
        data received") and filter by it as by a stored date."""
        if fname != "last_stock_report_date":
            return super()._field_to_sql(alias, fname, query, flush)
        Report = self.env["vmi.stock.report"]

        def column(name):
            return SQL.identifier(
                "report", name, to_flush=Report._fields[name] if flush else None
            )

        return SQL(
            "(SELECT max(%s) FROM vmi_stock_report report WHERE %s = %s AND %s IN %s)",
            column("date_as_of"),
            column("agreement_id"),
            SQL.identifier(alias, "id"),
            column("state"),
            APPLIED_STATES,
        )

    def _search_last_stock_report_date(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">=") or (
            not value and operator not in ("=", "!=")
        ):
            raise UserError(
                self.env._(
                    "Search the last data received with a comparison to a date, or = / "
                    "!= no date."
                )
            )
        latest = self._field_to_sql("vmi_agreement", "last_stock_report_date")
        if not value:
            condition = SQL(
                "%s IS NULL" if operator == "=" else "%s IS NOT NULL", latest
            )
        else:
            condition = SQL("%s %s %s", latest, SQL(operator), value)
        return [("id", "in", SQL("(SELECT id FROM vmi_agreement WHERE %s)", condition))]

    @api.depends("stock_report_ids.evaluation_requested")
    def _compute_evaluation_requested(self):
        """Asked for by the reports applied since the last evaluation (see
        ``vmi.stock.report``)."""
        requested = (
            self.env["vmi.stock.report"]
            .sudo()
            ._read_group(
                [("agreement_id", "in", self.ids), ("evaluation_requested", "=", True)],
                ["agreement_id"],
            )
        )
        for agreement in self:
            agreement.evaluation_requested = (agreement,) in requested

    def _answer_evaluation_request(self):
        """These agreements were evaluated in full: the reports that asked for it have
        their answer. Those received meanwhile by other transactions are not visible
        here, and keep their request."""
        self.env["vmi.stock.report"].sudo().search(
            [("agreement_id", "in", self.ids), ("evaluation_requested", "=", True)]
        ).evaluation_requested = False

    @api.depends("last_stock_report_date", "max_data_age_days", "state", "role")
    def _compute_is_data_stale(self):
        for agreement in self:
            limit = agreement._stale_data_limit()
            agreement.is_data_stale = bool(limit) and (
                not agreement.last_stock_report_date
                or agreement.last_stock_report_date < limit
            )

    def _search_is_data_stale(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search stale data with = or != and a true/false value.")
            )
        self.flush_model(["role", "state", "max_data_age_days"])
        latest = self._field_to_sql("vmi_agreement", "last_stock_report_date")
        stale = SQL(
            """(SELECT id FROM vmi_agreement
                WHERE role = 'vendor' AND state IN ('pilot', 'active')
                  AND max_data_age_days > 0
                  AND (%(latest)s IS NULL
                       OR %(latest)s < (now() AT TIME ZONE 'UTC')
                                       - make_interval(days => max_data_age_days)))""",
            latest=latest,
        )
        return [("id", "in" if (operator == "=") == value else "not in", stale)]

    def _action_on_agreement(self, xmlid, with_default=True):
        """The window action ``xmlid`` showing this agreement's records (and creating
        new ones for it)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("agreement_id", "=", self.id)]
        if with_default:
            action["context"] = {"default_agreement_id": self.id}
        return action

    def action_view_stock_reports(self):
        return self._action_on_agreement("vmi_management.vmi_stock_report_action")

    def action_upload_stock_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.vmi_stock_report_upload_action"
        )
        action["context"] = {"default_agreement_id": self.id}
        return action

    @api.model
    def _stock_reporter_domain(self, partner):
        """The agreements whose stock ``partner``'s company may report: those where it
        is the customer whose stock we manage (we are the vendor).

        Where we are the customer, the stock is ours, in our warehouse: the
        vendor's users see it but their counts would rewrite our books. Every
        channel a partner's user controls (HTTP API, portal) receives reports
        only for these agreements.
        """
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("role", "=", "vendor"),
        ]

    def _accepts_stock_reports_from(self, partner):
        """Whether ``partner``'s company may report this agreement's stock
        (``_stock_reporter_domain``)."""
        self.ensure_one()
        return bool(self.filtered_domain(self._stock_reporter_domain(partner)))

    def _replenishment_documents(self, domain=()):
        """The orders or transfers this agreement proposed, whichever kind its sites
        use; those matching ``domain`` only, searched rather than read in full, since
        years of an agreement's documents add up."""
        self.ensure_one()
        field = {
            "consigned_at_customer": "picking_ids",
            "customer_location": "sale_order_ids",
            "our_warehouse": "purchase_order_ids",
        }[self._site_kind()]
        if not domain:
            return self[field]
        return self.env[self._fields[field].comodel_name].search(
            [("vmi_agreement_id", "=", self.id), *domain]
        )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for agreement in self:
            agreement.access_url = f"/my/vmi/{agreement.id}"
        return res

    @api.depends("role", "ownership", "partner_id", "company_id")
    def _compute_stock_owner_id(self):
        for agreement in self:
            consigned_to_us = (
                agreement.role == "customer" and agreement.ownership == "consignment"
            )
            agreement.stock_owner_id = (
                agreement.commercial_partner_id
                if consigned_to_us
                else agreement.company_id.partner_id
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if (
                agreement.date_start
                and agreement.date_end
                and agreement.date_end < agreement.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "Agreement %(name)s ends on %(end)s, before it starts on "
                        "%(start)s.",
                        name=agreement.name,
                        end=agreement.date_end,
                        start=agreement.date_start,
                    )
                )

    @api.constrains(
        "target_fill_rate",
        "review_interval_days",
        "order_cycle_time_days",
        "max_data_age_days",
        "approval_threshold",
        "review_interval_months",
    )
    def _check_service_levels(self):
        for agreement in self:
            if not 0 < agreement.target_fill_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "Agreement %(name)s: the target fill rate must be a percentage "
                        "above 0 and at most 100 (it is %(value)s).",
                        name=agreement.name,
                        value=agreement.target_fill_rate,
                    )
                )
            if (
                agreement.replenishment_frequency == "interval"
                and agreement.review_interval_days < 1
            ):
                raise ValidationError(
                    self.env._(
                        "Agreement %(name)s: stock is reviewed every N days, so N must "
                        "be at least 1.",
                        name=agreement.name,
                    )
                )
            if (
                agreement.replenishment_frequency == "weekdays"
                and not agreement._review_weekdays()
            ):
                raise ValidationError(
                    self.env._(
                        "Agreement %(name)s: tick at least one weekday on which stock "
                        "is reviewed.",
                        name=agreement.name,
                    )
                )
            negatives = [
                agreement._fields[name].get_description(self.env)["string"]
                for name in (
                    "order_cycle_time_days",
                    "max_data_age_days",
                    "approval_threshold",
                    "review_interval_months",
                )
                if agreement[name] < 0
            ]
            if negatives:
                raise ValidationError(
                    self.env._(
                        "Agreement %(name)s: these values cannot be negative: "
                        "%(fields)s.",
                        name=agreement.name,
                        fields=", ".join(negatives),
                    )
                )

    @api.constrains("location_ids", "role", "ownership", "warehouse_id")
    def _check_site_locations(self):
        for agreement in self:
            for location in agreement.location_ids:
                problem = agreement._site_location_problem(location)
                if problem:
                    raise ValidationError(problem)

    def _site_location_problem(self, location):
        """Say why ``location`` cannot hold this agreement's stock, or return False.

        Ownership must stay unambiguous: stock at an internal location counts as
        on hand in our books unless its quants carry another owner, so
        customer-owned stock that lives in the customer's own system (we are the
        vendor) is tracked at a customer location, never an internal one; stock
        we manage as vendor on consignment, or that a vendor manages for us,
        sits at an internal location.
        """
        self.ensure_one()
        expected_usage = (
            "customer" if self._site_kind() == "customer_location" else "internal"
        )
        if location.usage != expected_usage:
            usage_labels = dict(
                location._fields["usage"]._description_selection(self.env)
            )
            return self.env._(
                "Location %(location)s is of type %(usage)s, but agreement %(name)s "
                "(%(role)s, %(ownership)s) keeps its stock in locations of type "
                "%(expected)s. Use 'Create Site Locations' to get the right kind of "
                "location.",
                location=location.display_name,
                usage=usage_labels[location.usage],
                name=self.name,
                expected=usage_labels[expected_usage],
                role=self._field_label("role"),
                ownership=self._field_label("ownership"),
            )
        if (
            self._site_kind() == "our_warehouse"
            and location.warehouse_id != self.warehouse_id
        ):
            return self.env._(
                "Location %(location)s is not in warehouse %(warehouse)s: when a "
                "vendor manages our stock, its site locations are inside the warehouse "
                "that receives it.",
                location=location.display_name,
                warehouse=self.warehouse_id.display_name,
            )
        return False

    def _field_label(self, field_name):
        return dict(self._fields[field_name]._description_selection(self.env))[
            self[field_name]
        ]

    def _review_weekdays(self):
        """Weekdays (0 = Monday) on which stock is reviewed, for a weekday schedule."""
        self.ensure_one()
        days = (
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        )
        return [index for index, day in enumerate(days) if self[f"review_{day}"]]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].with_company(
                    vals.get("company_id") or self.env.company.id
                ).next_by_code("vmi.agreement") or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        started = self.filtered(lambda agreement: agreement.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "Only draft agreements can be deleted. Terminate %(names)s "
                    "instead: its history stays available.",
                    names=", ".join(started.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    def _transition(self, action):
        """Move the agreements along the lifecycle as ``action`` says, or explain why
        not.

        Checked in the order a user can act on: who may do it, from which
        status, then whether the agreement is complete enough to replenish.
        """
        from_states, to_state, needs_manager = _TRANSITIONS[action]
        if needs_manager and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a VMI Manager can approve this change of agreement status."
                )
            )
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        for agreement in self:
            if agreement.state not in from_states:
                raise UserError(
                    self.env._(
                        "Agreement %(name)s is %(state)s: it cannot become %(target)s. "
                        "This is possible from: %(allowed)s.",
                        name=agreement.name,
                        state=state_labels[agreement.state],
                        target=state_labels[to_state],
                        allowed=", ".join(state_labels[state] for state in from_states),
                    )
                )
        if to_state in ("pilot", "active"):
            self._check_ready_to_run(pilot=to_state == "pilot")
        self.write({"state": to_state})
        if to_state in ("pilot", "active"):
            self._set_start_and_review_dates()

    def _check_ready_to_run(self, pilot=False):
        """Refuse to start replenishment without sites, or without lines to
        replenish."""
        for agreement in self:
            if not agreement.location_ids:
                raise UserError(
                    self.env._(
                        "Agreement %(name)s has no site location: add one (or use "
                        "'Create Site Locations') before replenishment starts.",
                        name=agreement.name,
                    )
                )
            if not agreement.line_count:
                raise UserError(
                    self.env._(
                        "Agreement %(name)s has no line: add the products to manage "
                        "before replenishment starts.",
                        name=agreement.name,
                    )
                )
            if pilot and not agreement.pilot_line_count:
                raise UserError(
                    self.env._(
                        "Agreement %(name)s has no line in its pilot scope: tick "
                        "'Pilot' on the lines to try first.",
                        name=agreement.name,
                    )
                )

    def _set_start_and_review_dates(self):
        today = fields.Date.context_today(self)
        for agreement in self:
            start = agreement.date_start or today
            agreement.write(
                {
                    "date_start": start,
                    "date_next_review": agreement.date_next_review
                    or max(start, today)
                    + relativedelta(months=agreement.review_interval_months or 3),
                }
            )

    def action_start_pilot(self):
        """Run the agreement on its pilot scope only, to size it before going live."""
        self._transition("action_start_pilot")

    def action_activate(self):
        self._transition("action_activate")

    def action_suspend(self):
        self._transition("action_suspend")

    def action_resume(self):
        self._transition("action_resume")

    def action_terminate(self):
        self._transition("action_terminate")
        today = fields.Date.context_today(self)
        for agreement in self:
            if not agreement.date_end or agreement.date_end > today:
                agreement.date_end = today
        self.date_next_review = False

    def action_reset_to_draft(self):
        self._transition("action_reset_to_draft")

    # ------------------------------------------------------------------
    # Replenishment
    # ------------------------------------------------------------------

    def action_evaluate_now(self):
        """Evaluate the agreement's lines now, whatever its schedule, and show the
        run.

        An agreement too large for one transaction is made due instead, and the
        scheduled evaluation is called at once: its cron workers evaluate it
        site by site, in steps, as they do every night.
        """
        self.check_access("write")
        Replenishment = self.env["vmi.replenishment"].sudo()
        lines = (
            self.env["vmi.agreement.line"]
            .sudo()
            .search_count(Replenishment._evaluable_lines_domain(self))
        )
        if lines <= vmi_replenishment.STEP_LINES:
            run = Replenishment._evaluate_now(self.sudo())
            return run.sudo(False)._action_open()
        self.sudo().date_next_evaluation = fields.Datetime.now()
        self.env.ref("vmi_management.ir_cron_vmi_replenishment").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Evaluation queued"),
                "message": self.env._(
                    "%(lines)s lines are more than one evaluation should hold: the "
                    "scheduled evaluation takes %(agreements)s now, in steps of a few "
                    "thousand lines. Follow it in Replenishment Runs.",
                    lines=lines,
                    agreements=", ".join(self.mapped("name")),
                ),
                "next": self.env["ir.actions.act_window"]._for_xml_id(
                    "vmi_management.vmi_replenishment_run_action"
                ),
            },
        }

    def _next_evaluation_after(self, moment):
        """Start of the next review day after ``moment``, following the replenishment
        frequency.

        Review days are the company's local days: the next evaluation is the
        local midnight that begins the next review day, as a naive UTC datetime.
        """
        self.ensure_one()
        tz = company_tz(self.company_id)
        day = local_date(fields.Datetime.to_datetime(moment), tz)
        if self.replenishment_frequency == "weekdays" and self._review_weekdays():
            weekdays = self._review_weekdays()
            day += relativedelta(days=1)
            while day.weekday() not in weekdays:
                day += relativedelta(days=1)
        else:
            day += relativedelta(days=max(self.review_interval_days, 1))
        return day_start(day, tz)

    def _vmi_origin(self, site):
        """The origin shown on proposed orders: which agreement and site they
        replenish."""
        self.ensure_one()
        return self.env._(
            "%(agreement)s VMI replenishment, %(site)s",
            agreement=self.name,
            site=site.name,
        )

    def action_view_replenishments(self):
        self.ensure_one()
        documents = self._replenishment_documents()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            {
                "stock.picking": "stock.action_picking_tree_all",
                "sale.order": "sale.action_orders",
                "purchase.order": "purchase.purchase_form_action",
            }[documents._name]
        )
        action.update(
            {
                "domain": [("vmi_agreement_id", "=", self.id)],
                "context": {"create": False},
            }
        )
        return action

    def action_view_runs(self):
        return self._action_on_agreement(
            "vmi_management.vmi_replenishment_run_event_action", with_default=False
        )

    # ------------------------------------------------------------------
    # Customer sites
    # ------------------------------------------------------------------

    def _site_kind(self):
        """Where this agreement's managed stock lives in our books.

        - ``consigned_at_customer``: we are the vendor and keep ownership: an
          internal location per customer site, under "VMI Sites";
        - ``customer_location``: we are the vendor and the customer owns the
          stock, which its own system tracks: a customer location per site,
          the destination of our deliveries;
        - ``our_warehouse``: we are the customer: an internal location inside
          our receiving warehouse, holding our stock, or the vendor's when
          consigned.
        """
        self.ensure_one()
        if self.role == "customer":
            return "our_warehouse"
        return (
            "consigned_at_customer"
            if self.ownership == "consignment"
            else "customer_location"
        )

    def _load_limits(self):
        """The limits of each site's delivery, as the engine's load building takes them;
        None without any."""
        self.ensure_one()
        limits = LoadLimits(
            *(
                value or None
                for value in (
                    self.load_min_value,
                    self.load_min_weight,
                    self.load_max_weight,
                    self.load_max_volume,
                    self.load_max_pallets if self.pallet_package_type_id else 0.0,
                )
            )
        )
        return limits if limits != LoadLimits() else None

    def _pallets_per_unit(self, product):
        """The pallet places one unit of ``product`` takes: 1 / the units its pallet
        packaging holds; 0 without."""
        self.ensure_one()
        packaging = product.packaging_ids.filtered(
            lambda packaging: packaging.package_type_id == self.pallet_package_type_id
            and packaging.qty > 0
        )[:1]
        return 1.0 / packaging.qty if packaging else 0.0

    def _site_partners(self):
        """The partners to which this agreement's site locations are dedicated.

        We are the vendor: one site per delivery address of the customer (the
        customer itself when it has none). We are the customer: one site in
        our receiving warehouse, dedicated to the vendor that manages it.
        """
        self.ensure_one()
        commercial = self.commercial_partner_id
        if self._site_kind() == "our_warehouse":
            return commercial
        deliveries = commercial.child_ids.filtered(
            lambda child: child.type == "delivery" and child.active
        )
        return deliveries or commercial

    def _prepare_site_location_vals(self, site_partner):
        self.ensure_one()
        kind = self._site_kind()
        if kind == "our_warehouse":
            parent = self.warehouse_id.lot_stock_id
            name = self.env._("VMI %(vendor)s", vendor=site_partner.name)
        else:
            parent = self.env.ref(
                "stock.stock_location_customers"
                if kind == "customer_location"
                else "vmi_management.stock_location_vmi_sites"
            )
            name = site_partner.display_name
        return {
            "name": name,
            "usage": "customer" if kind == "customer_location" else "internal",
            "location_id": parent.id,
            "company_id": self.company_id.id,
            "vmi_partner_id": site_partner.id,
        }

    def action_create_site_locations(self):
        """Create, in one click, the missing site locations of each agreement.

        An existing site location of the same partner, place and kind (for
        example one made for another agreement with the same customer) is
        reused rather than duplicated.
        """
        Location = self.env["stock.location"]
        for agreement in self:
            for site_partner in agreement._site_partners():
                vals = agreement._prepare_site_location_vals(site_partner)
                location = Location.search(
                    [
                        ("vmi_partner_id", "=", site_partner.id),
                        ("location_id", "=", vals["location_id"]),
                        ("usage", "=", vals["usage"]),
                        ("company_id", "=", agreement.company_id.id),
                    ],
                    limit=1,
                ) or Location.create(vals)
                agreement.location_ids = [Command.link(location.id)]
        return True

    def _get_stock_owner_values(self):
        """Values of ``stock.quant.owner_id`` that mark this agreement's managed stock.

        Odoo counts every quant at a location as on hand, whoever owns it, so
        ownership is filtered explicitly: our own stock carries no owner or our
        company's partner; stock consigned to us carries the vendor.
        """
        self.ensure_one()
        owner = self.stock_owner_id
        return [owner.id] if owner != self.company_id.partner_id else [False, owner.id]

    def _get_site_quant_domain(self):
        """Quants that are this agreement's managed stock: at its sites, owned as
        agreed."""
        self.ensure_one()
        return [
            ("location_id", "child_of", self.location_ids.ids),
            ("owner_id", "in", self._get_stock_owner_values()),
            ("company_id", "=", self.company_id.id),
        ]

    def _read_site_stock(self):
        """On-hand managed stock per agreement, product and site, in one query.

        Only agreements whose stock is in our books are read: when we are the
        vendor and the customer owns the stock, its levels come from the
        customer's stock reports, not from quants.

        :returns: dict ``{(agreement_id, product_id, site_location_id): quantity}``;
                  quants in sub-locations of a site are added to the site.
        """
        agreements = self.filtered(
            lambda agreement: agreement.location_ids
            and agreement._site_kind() != "customer_location"
        )
        if not agreements:
            return {}
        agreements_by_site = {}
        for agreement in agreements:
            for site in agreement.location_ids:
                agreements_by_site.setdefault(site.id, []).append(agreement)
        site_tree = (
            self.env["stock.location"]
            .with_context(active_test=False)
            .search_fetch(
                [("id", "child_of", list(agreements_by_site))], ["parent_path"]
            )
        )
        # the sites each location is in, itself included: quants of a sub-location count
        # at its site
        sites_of = {
            location.id: [
                site_id
                for site_id in map(int, location.parent_path.strip("/").split("/"))
                if site_id in agreements_by_site
            ]
            for location in site_tree
        }
        # what makes a quant an agreement's managed stock: its company and the agreed
        # owners
        terms = {
            agreement: (agreement.company_id.id, agreement._get_stock_owner_values())
            for agreement in agreements
        }
        rows = read_group_rows(
            self.env["stock.quant"],
            [
                ("location_id", "in", site_tree.ids),
                ("company_id", "in", agreements.company_id.ids),
            ],
            ["product_id", "location_id", "owner_id", "company_id"],
            ["quantity:sum"],
        )
        stock = {}
        for product_id, location_id, owner_id, company_id, quantity in rows:
            for site_id in sites_of[location_id]:
                for agreement in agreements_by_site[site_id]:
                    company, owners = terms[agreement]
                    if company == company_id and (owner_id or False) in owners:
                        key = (agreement.id, product_id, site_id)
                        stock[key] = stock.get(key, 0.0) + quantity
        return stock

    def action_view_site_stock(self):
        """Open the managed stock at the agreement's sites (quants of the agreed
        owner)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.location_open_quants"
        )
        action.update(
            {
                "name": self.env._("Managed Stock"),
                "domain": self._get_site_quant_domain(),
                "context": {"search_default_productgroup": 1},
                "view_id": self.env.ref(
                    "vmi_management.stock_quant_view_list_vmi_managed"
                ).id,
                "views": [
                    (
                        self.env.ref(
                            "vmi_management.stock_quant_view_list_vmi_managed"
                        ).id,
                        "list",
                    )
                ],
                "help": Markup(
                    "<p class='o_view_nocontent_smiling_face'>%s</p><p>%s</p>"
                )
                % (
                    self.env._("No managed stock at this agreement's sites"),
                    self.env._(
                        "The stock the agreement manages: quants at its site locations "
                        "owned by %(owners)s. It appears once a replenishment is "
                        "delivered to a site or a stock count is applied.",
                        owners=self.stock_owner_id.display_name,
                    ),
                ),
            }
        )
        return action

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------

    def action_view_lines(self):
        return self._action_on_agreement("vmi_management.vmi_agreement_line_action")

    def action_view_site_locations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.stock_location_vmi_site_action"
        )
        action["domain"] = [("id", "in", self.location_ids.ids)]
        return action
