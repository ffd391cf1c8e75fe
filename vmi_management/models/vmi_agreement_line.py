from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, float_repr

from ..engine import LineInput
from ..engine.accuracy import value_added
from ..engine.formatting import format_qty
from ..tools import OptionalFloat, field_values
from .vmi_agreement import FORECAST_METHODS, MANAGER_GROUP

SAFETY_STOCK_MODES = {
    "none": None,
    "fixed": "fixed",
    "days": "days",
    "service_level": "service_level",
}

# Fields that decide how much is shipped: once an agreement runs, only a VMI
# Manager may change them (the thresholds both parties agreed on).
THRESHOLD_FIELDS = frozenset(
    {
        "product_id",
        "location_id",
        "policy",
        "min_qty",
        "max_qty",
        "reorder_point",
        "order_qty",
        "target_days",
        "safety_stock_mode",
        "safety_stock_value",
        "service_level",
        "lead_time_days",
        "lead_time_buffer_days",
        "moq",
        "pack_multiple",
        "capacity",
    }
)


class VmiAgreementLine(models.Model):
    """How one product is replenished at one customer site of an agreement."""

    _name = "vmi.agreement.line"
    _description = "VMI Agreement Line"
    _order = "agreement_id, sequence, id"
    _check_company_auto = True
    _rec_names_search = ["product_id", "customer_product_code", "agreement_id"]

    # no index of its own: the unique (agreement, product, site) constraint's index
    # leads with it
    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, ondelete="cascade", check_company=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    # stored for the record rules; not indexed: lines are read through their agreement,
    # and every index is one more write per line at each evaluation
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)
    partner_id = fields.Many2one(related="agreement_id.partner_id")
    commercial_partner_id = fields.Many2one(
        related="agreement_id.commercial_partner_id", store=True
    )
    state = fields.Selection(related="agreement_id.state", string="Agreement Status")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    location_id = fields.Many2one(
        "stock.location",
        string="Site Location",
        required=True,
        index=True,
        check_company=True,
        help="The customer-site location whose stock of this product is managed.",
    )
    agreement_location_ids = fields.Many2many(related="agreement_id.location_ids")
    customer_product_code = fields.Char(
        string="Customer Code",
        help="The customer's own reference for this product, as used in its stock "
        "reports.",
    )
    in_pilot_scope = fields.Boolean(
        string="Pilot",
        help="Part of the pilot scope: replenished while the agreement is in pilot.",
    )

    # Policy and thresholds
    policy = fields.Selection(
        [
            ("min_max", "Min / Max"),
            ("reorder_point", "Reorder Point (s, Q)"),
            ("days_of_supply", "Days of Supply"),
        ],
        required=True,
        default="min_max",
        help="Min / Max: below the minimum, order up to the maximum.\n"
        "Reorder Point: below the reorder point, order the fixed quantity (a multiple "
        "of it) that brings stock back to the reorder point.\n"
        "Days of Supply: from expected daily demand, reorder below lead-time demand "
        "plus safety stock, up to the target days of supply.",
    )
    min_qty = fields.Float(string="Min", digits="Product Unit of Measure")
    max_qty = fields.Float(string="Max", digits="Product Unit of Measure")
    reorder_point = fields.Float(digits="Product Unit of Measure")
    order_qty = fields.Float(
        string="Fixed Order Qty",
        digits="Product Unit of Measure",
        help="For the reorder point policy: orders are multiples of this quantity.",
    )
    target_days = fields.Float(
        string="Target Days of Supply",
        help="For the days of supply policy: how many days of demand to hold above "
        "lead-time demand and safety stock.",
    )
    safety_stock_mode = fields.Selection(
        [
            ("none", "None"),
            ("fixed", "Fixed quantity"),
            ("days", "Days of cover"),
            ("service_level", "From service level"),
        ],
        default="none",
        required=True,
        help="Fixed quantity: the value is a quantity. Days of cover: the value is a "
        "number of days of expected demand. From service level: computed from "
        "demand and lead-time variability for the target service level.",
    )
    safety_stock_value = fields.Float(
        help="A quantity for a fixed safety stock, a number of days for days of cover.",
    )
    service_level = fields.Float(
        string="Service Level (%)",
        default=95.0,
        help="Probability of not running out during the lead time, used to size a "
        "statistical safety stock.",
    )
    lead_time_days = fields.Float(
        string="Lead Time (Days)",
        help="Days between the replenishment decision and receipt at the site.",
    )
    lead_time_buffer_days = fields.Float(
        string="Lead Time Buffer (Days)",
        help="Extra days added to the lead time as a safety margin.",
    )
    moq = fields.Float(
        string="MOQ",
        digits="Product Unit of Measure",
        help="Minimum order quantity: a smaller need is raised to it. Zero: none.",
    )
    forecast_method = fields.Selection(
        FORECAST_METHODS,
        help="How this line's daily demand is forecast; empty: the agreement's method. "
        "Customer forecast and blend use the figures the customer sends, and the "
        "automatic forecast beyond them.",
    )
    effective_forecast_method = fields.Selection(
        FORECAST_METHODS,
        string="Forecast",
        compute="_compute_effective_forecast_method",
    )
    forecast_wape = OptionalFloat(
        string="Forecast Error (WAPE %)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Σ|forecast − demand| ÷ Σ demand over the last 30 days, of the forecast "
        "each day was planned with (days out of stock left out).",
    )
    forecast_bias = OptionalFloat(
        string="Forecast Bias (%)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="(Σ forecast − Σ demand) ÷ Σ demand over the last 30 days: positive when "
        "the forecast ran high.",
    )
    forecast_mase = OptionalFloat(
        string="Forecast MASE",
        readonly=True,
        copy=False,
        digits=(16, 2),
        help="Mean absolute error ÷ that of 'tomorrow as today': below 1, the forecast "
        "beat the naive one.",
    )
    customer_forecast_wape = OptionalFloat(
        string="Customer Forecast Error (WAPE %)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="The customer's forecast against demand, on the days of the last 30 it "
        "sent one for.",
    )
    forecast_value_added = OptionalFloat(
        string="Customer Forecast Value Added (pts)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Statistical forecast's WAPE − the customer's, on the same days: positive "
        "when the customer's forecast is the more accurate.",
    )
    pack_multiple = fields.Float(
        default=1.0,
        digits="Product Unit of Measure",
        help="Orders are rounded up to a multiple of this quantity.",
    )
    capacity = fields.Float(
        string="Location Capacity",
        digits="Product Unit of Measure",
        help="The most the site can hold of this product; an order never brings stock "
        "above it. Zero: no limit.",
    )

    # The last replenishment decision, written by the evaluation (see vmi.replenishment)
    last_evaluation_date = fields.Datetime(
        string="Last Evaluated", readonly=True, copy=False
    )
    last_on_hand = fields.Float(
        string="On Hand", readonly=True, copy=False, digits="Product Unit of Measure"
    )
    last_on_order = fields.Float(
        string="On Order", readonly=True, copy=False, digits="Product Unit of Measure"
    )
    last_committed = fields.Float(
        string="Committed", readonly=True, copy=False, digits="Product Unit of Measure"
    )
    last_position = fields.Float(
        string="Inventory Position",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="On hand + on order − committed, when last evaluated.",
    )
    last_demand_rate = fields.Float(
        string="Daily Demand", readonly=True, copy=False, digits=(16, 3)
    )
    last_baseline_rate = fields.Float(
        string="Statistical Daily Demand",
        readonly=True,
        copy=False,
        digits=(16, 3),
        help="The statistical forecast of the day, before the customer's forecast and "
        "events.",
    )
    last_customer_rate = OptionalFloat(
        string="Customer's Daily Demand",
        readonly=True,
        copy=False,
        digits=(16, 3),
        help="The customer's forecast of the day, when it sent one.",
    )
    last_safety_stock = fields.Float(
        string="Safety Stock",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    last_trigger_level = fields.Float(
        string="Trigger Level",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    last_target_level = fields.Float(
        string="Target Level",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    last_order_qty = fields.Float(
        string="Proposed Qty",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    last_unallocated_qty = fields.Float(
        string="Not Allocated",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="What the line needed but its short shipping warehouse could not "
        "allocate: demand the warehouse's own reordering rules see.",
    )
    last_status = fields.Selection(
        [
            ("out_of_stock", "Out of stock"),
            ("projected_stockout", "Projected stockout"),
            ("below_min", "Below min"),
            ("overstock", "Overstock"),
            ("ok", "OK"),
        ],
        string="Stock Status",
        readonly=True,
        copy=False,
        help="How the stock stood against the thresholds at the last evaluation: out "
        "of stock; projected stockout (on hand and on order do not cover the demand "
        "over the lead time); below the trigger level; above the target level; or OK.",
    )
    last_days_of_supply = fields.Float(
        string="Days of Supply",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="How many days the stock on hand lasts at the daily demand (empty without "
        "demand).",
    )
    last_decision_reason = fields.Char(string="Why", readonly=True, copy=False)
    # read only to explain a line, not with every line an evaluation or a list loads
    last_decision = fields.Json(readonly=True, copy=False, prefetch=False)
    last_decision_html = fields.Html(
        string="Decision", compute="_compute_last_decision_html", sanitize=False
    )
    reordering_rule_id = fields.Many2one(
        "stock.warehouse.orderpoint",
        compute="_compute_reordering_rule_id",
        help="An Odoo reordering rule for the same product and location: the VMI "
        "evaluation skips this line until one of the two is removed.",
    )

    _sql_constraints = [
        (
            "product_location_uniq",
            "unique(agreement_id, product_id, location_id)",
            "An agreement has one line per product and site location (archived lines "
            "count too: reactivate the archived line instead).",
        ),
    ]

    def init(self):
        """Leave room in the table's pages for the lines' next results.

        Every evaluation rewrites the results of each line it decides
        (``vmi.replenishment._write_decisions``). With free space on its page,
        PostgreSQL writes the new row version there without touching the
        indexes (a "HOT" update); on full pages every update also writes every
        index. 125,000 lines evaluated in 32 steps took 7 % less time.
        """
        result = super().init()
        self.env.cr.execute(
            SQL("ALTER TABLE %s SET (fillfactor = 70)", SQL.identifier(self._table))
        )
        return result

    @api.depends("agreement_id.name", "product_id.display_name", "location_id.name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                f"{line.agreement_id.name} · {line.product_id.display_name} "
                f"@ {line.location_id.name}"
            )

    @api.depends("last_decision", "last_decision_reason")
    def _compute_last_decision_html(self):
        for line in self:
            steps = (line.last_decision or {}).get("steps") or []
            line.last_decision_html = line._steps_html(
                line.last_decision_reason or "", steps
            )

    @api.model
    def _steps_html(self, headline, steps):
        """An engine explanation (decision or suggestion) as a table a planner reads
        step by step."""
        if not steps:
            return False
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td "
                "class='text-muted'>%s</td></tr>"
            )
            % (
                step.get("name", ""),
                self._format_step_value(step.get("value")),
                step.get("note") or "",
            )
            for step in steps
        )
        return Markup(
            "<p><strong>%s</strong></p><table class='table table-sm o_vmi_decision'>"
            "<thead><tr><th>%s</th><th class='text-end'>%s</th><th>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (headline, self.env._("Step"), self.env._("Value"), self.env._("Why"), rows)

    @staticmethod
    def _format_step_value(value):
        if isinstance(value, float):
            return float_repr(value, 3).rstrip("0").rstrip(".")
        return "" if value is None else str(value)

    @api.depends("forecast_method", "agreement_id.forecast_method")
    def _compute_effective_forecast_method(self):
        for line in self:
            line.effective_forecast_method = (
                line.forecast_method or line.agreement_id.forecast_method
            )

    def _compute_reordering_rule_id(self):
        rules = self.env["stock.warehouse.orderpoint"].search_fetch(
            [
                ("product_id", "in", self.product_id.ids),
                ("location_id", "in", self.location_id.ids),
            ],
            ["product_id", "location_id"],
        )
        by_key = {(rule.product_id, rule.location_id): rule for rule in rules}
        for line in self:
            line.reordering_rule_id = by_key.get(
                (line.product_id, line.location_id), False
            )

    @api.model
    def _accuracy_columns(self, scores):
        """The forecast accuracy fields of lines, as ``_write_decisions`` writes them:
        ``{field: (type, values)}``.

        :param scores: each line's engine ``forecast_scores``, or None where nothing
            could be judged
        """

        def percent(value):
            return None if value is None else value * 100.0

        return {
            "forecast_wape": (
                "float8",
                [percent(score and score["wape"]) for score in scores],
            ),
            "forecast_bias": (
                "float8",
                [percent(score and score["bias"]) for score in scores],
            ),
            "forecast_mase": ("float8", [score and score["mase"] for score in scores]),
            "customer_forecast_wape": (
                "float8",
                [percent(score and score["customer_wape"]) for score in scores],
            ),
            "forecast_value_added": (
                "float8",
                [percent(value_added([score])) for score in scores],
            ),
        }

    @api.model
    def _decision_fields(self):
        return [
            name
            for name in self._fields
            if name.startswith("last_") and name != "last_decision_html"
        ]

    def _prepare_engine_input(self, facts):
        """The engine's view of this line: its thresholds and the facts gathered for
        it."""
        self.ensure_one()
        return self._prepare_engine_inputs({self: facts})[0]

    def _prepare_engine_inputs(self, facts):
        """The engine's view of each of these lines, in their order.

        Fields are read a column at a time (:func:`~..tools.field_values`): a
        run prepares thousands of lines at once.

        :param facts: ``{line: LineFacts}`` gathered for them
        """
        names = (
            "product_id",
            "location_id",
            "agreement_id",
            "policy",
            "min_qty",
            "max_qty",
            "reorder_point",
            "order_qty",
            "target_days",
            "lead_time_buffer_days",
            "safety_stock_mode",
            "safety_stock_value",
            "service_level",
            "moq",
            "pack_multiple",
            "capacity",
            "effective_forecast_method",
        )
        roundings = {product.id: product.uom_id.rounding for product in self.product_id}
        blend_weights = {
            agreement.id: agreement.forecast_blend_weight / 100.0
            for agreement in self.agreement_id
        }
        inputs = []
        for line, *values in zip(
            self, *(field_values(self, name) for name in names), strict=True
        ):
            row, fact = dict(zip(names, values, strict=True)), facts[line]
            inputs.append(
                LineInput(
                    product=row["product_id"],
                    location=row["location_id"],
                    on_hand=fact.on_hand,
                    on_order=fact.on_order,
                    committed=fact.committed,
                    policy=row["policy"],
                    min_qty=row["min_qty"],
                    max_qty=row["max_qty"],
                    reorder_point=row["reorder_point"],
                    order_qty=row["order_qty"] or None,
                    target_days=row["target_days"] or None,
                    lead_time_days=fact.lead_time_days,
                    lead_time_buffer_days=row["lead_time_buffer_days"],
                    lead_time_std_days=fact.lead_time_std_days,
                    safety_stock_mode=SAFETY_STOCK_MODES[row["safety_stock_mode"]],
                    safety_stock_value=row["safety_stock_value"],
                    service_level=row["service_level"] / 100.0,
                    moq=row["moq"] or None,
                    multiple=row["pack_multiple"] or None,
                    capacity=row["capacity"] or None,
                    rounding=roundings[row["product_id"]],
                    demand=fact.demand,
                    forecast_method=row["effective_forecast_method"],
                    censored=fact.censored,
                    events=fact.events,
                    customer_forecast=fact.customer_forecast,
                    blend_weight=blend_weights[row["agreement_id"]],
                    delivery_days=fact.delivery_days,
                )
            )
        return inputs

    def _exception_message(self, kind, decision, accuracy=None):
        """What a planner reads on an exception of this line: the figures that raised
        it.

        :param accuracy: the line's forecast scores (engine ``forecast_scores``), for a
            forecast bias
        """
        self.ensure_one()
        number = self._format_step_value
        rounding = self.product_id.uom_id.rounding

        def quantity(value):
            return format_qty(value, rounding)

        values = {
            "site": self.location_id.name,
            "on_hand": quantity(decision.on_hand),
            "on_order": quantity(decision.on_order),
            "position": quantity(decision.position),
            "need": quantity(decision.lead_time_demand),
            "days": number(decision.lead_time_days),
            "trigger": quantity(decision.trigger_level),
            "target": quantity(decision.target_level),
            "rate": number(decision.demand_rate),
            "reason": decision.reason,
            "bias": number((accuracy or {}).get("bias") and accuracy["bias"] * 100.0),
            "judged": (accuracy or {}).get("days", 0),
            "tolerance": number(self.agreement_id.forecast_bias_tolerance),
            "method": decision.forecast_method,
        }
        messages = {
            "out_of_stock": self.env._(
                "Nothing on hand at %(site)s (position %(position)s).", **values
            ),
            "projected_stockout": self.env._(
                "On hand and on order (position %(position)s) do not cover the "
                "%(need)s expected over the day of lead time.",
                **values,
            )
            if decision.lead_time_days == 1
            else self.env._(
                "On hand and on order (position %(position)s) do not cover the "
                "%(need)s expected over the %(days)s days of lead time.",
                **values,
            ),
            "capacity_capped": self.env._(
                "The order was capped by the site's capacity: %(reason)s", **values
            ),
            "supply_short": self.env._(
                "The shipping warehouse cannot cover every agreement's need of this "
                "product: %(reason)s",
                **values,
            ),
            "demand_spike": self.env._(
                "The last day's demand is far above the forecast of %(rate)s a day.",
                **values,
            ),
            "forecast_bias": self.env._(
                "Over the last %(judged)s days the forecasts used (%(method)s) ran "
                "%(bias)s%% off the demand (tolerance ±%(tolerance)s%%): check the "
                "forecast method, the customer's forecast or the events.",
                **values,
            ),
            "below_min": self.env._(
                "On hand %(on_hand)s is below the trigger level %(trigger)s and the "
                "order does not bring it back: %(reason)s",
                **values,
            ),
            "overstock": self.env._(
                "On hand %(on_hand)s is above the target level %(target)s.", **values
            ),
        }
        return messages[kind]

    def _decision_payload(self, decision, facts):
        """The explanation stored with a decision: the engine's steps and flags, and
        where inputs came from.

        The figures themselves and the one-line reason are the line's
        ``last_*`` columns; repeating them here would only make every
        evaluation write each of them twice.
        """
        return {
            "steps": [step.to_dict() for step in decision.steps],
            "flags": list(decision.flags),
            "sources": {
                "on_hand": facts.on_hand_source,
                "lead_time": facts.lead_time_source,
                "history_days": len(facts.demand),
            },
        }

    def action_evaluate_now(self):
        """Evaluate these lines at once; their agreements' proposals are updated for
        them only."""
        self.check_access("write")
        run = (
            self.env["vmi.replenishment"]
            .sudo()
            ._evaluate_now(self.agreement_id.sudo(), lines=self.sudo())
        )
        return run.sudo(False)._action_open()

    @api.constrains(*THRESHOLD_FIELDS)
    def _check_thresholds(self):
        for line in self:
            problems = line._threshold_problems()
            if problems:
                raise ValidationError(
                    self.env._(
                        "Line %(line)s:\n%(problems)s",
                        line=line.display_name,
                        problems="\n".join(f"- {problem}" for problem in problems),
                    )
                )

    def _threshold_problems(self):
        """Every reason why this line's policy parameters cannot drive replenishment."""
        self.ensure_one()
        _ = self.env._
        problems = []
        negative = [
            self._fields[name].get_description(self.env)["string"]
            for name in (
                "min_qty",
                "max_qty",
                "reorder_point",
                "order_qty",
                "target_days",
                "safety_stock_value",
                "lead_time_days",
                "lead_time_buffer_days",
                "moq",
                "capacity",
            )
            if self[name] < 0
        ]
        if negative:
            problems.append(
                _(
                    "these values cannot be negative: %(fields)s",
                    fields=", ".join(negative),
                )
            )
        if self.pack_multiple <= 0:
            problems.append(
                _(
                    "the pack multiple must be greater than zero (1 when units ship "
                    "one by one)"
                )
            )
        if self.policy == "min_max" and self.max_qty < self.min_qty:
            problems.append(
                _(
                    "the max (%(max)s) must be at least the min (%(min)s)",
                    max=self.max_qty,
                    min=self.min_qty,
                )
            )
        if self.policy == "min_max" and not self.max_qty:
            problems.append(_("a Min / Max line needs a max above zero"))
        if self.policy == "reorder_point" and self.order_qty <= 0:
            problems.append(
                _("a reorder point line needs a fixed order quantity above zero")
            )
        if self.policy == "days_of_supply" and self.target_days <= 0:
            problems.append(
                _("a days of supply line needs target days of supply above zero")
            )
        if (
            self.safety_stock_mode == "service_level"
            and not 0 < self.service_level < 100
        ):
            problems.append(
                _(
                    "the service level must be above 0 and below 100%% (it is "
                    "%(value)s)",
                    value=self.service_level,
                )
            )
        if self.capacity and self.policy == "min_max" and self.capacity < self.max_qty:
            problems.append(
                _(
                    "the location capacity (%(capacity)s) is below the max (%(max)s)",
                    capacity=self.capacity,
                    max=self.max_qty,
                )
            )
        return problems

    @api.constrains("location_id", "agreement_id")
    def _check_location_is_agreement_site(self):
        for line in self:
            if line.location_id not in line.agreement_id.location_ids:
                raise ValidationError(
                    self.env._(
                        "Line %(line)s: %(location)s is not a site location of "
                        "agreement %(agreement)s. Add it to the agreement's site "
                        "locations first.",
                        line=line.display_name,
                        location=line.location_id.display_name,
                        agreement=line.agreement_id.name,
                    )
                )

    @api.constrains("product_id", "location_id", "agreement_id", "active")
    def _check_one_open_agreement_per_product_site(self):
        """One product at one site is managed by one open agreement: two would each
        count the other's orders and stock, and the outcome would depend on which is
        evaluated first."""
        lines = self.filtered("active")
        others = self.with_context(active_test=True).search_fetch(
            [
                ("product_id", "in", lines.product_id.ids),
                ("location_id", "in", lines.location_id.ids),
                ("agreement_id.state", "!=", "terminated"),
            ],
            ["product_id", "location_id", "agreement_id"],
        )
        agreements_of = defaultdict(set)
        for other in others:
            agreements_of[other.product_id, other.location_id].add(other.agreement_id)
        for line in lines:
            clash = next(
                (
                    agreement
                    for agreement in agreements_of[line.product_id, line.location_id]
                    if agreement != line.agreement_id
                ),
                None,
            )
            if clash and line.agreement_id.state != "terminated":
                raise ValidationError(
                    self.env._(
                        "%(product)s at %(site)s is already managed by agreement "
                        "%(other)s (%(state)s): a product is managed at a site by one "
                        "open agreement only. Remove it from %(other)s, or terminate "
                        "that agreement, first.",
                        product=line.product_id.display_name,
                        site=line.location_id.display_name,
                        other=clash.name,
                        state=clash._field_label("state"),
                    )
                )

    @api.constrains("customer_product_code", "product_id", "agreement_id")
    def _check_customer_code_is_unambiguous(self):
        """A customer's code must name one product, or its stock reports cannot be
        matched."""
        for line in self.filtered("customer_product_code"):
            clash = line.agreement_id.with_context(active_test=False).line_ids.filtered(
                lambda other, line=line: other.customer_product_code
                == line.customer_product_code
                and other.product_id != line.product_id
            )[:1]
            if clash:
                raise ValidationError(
                    self.env._(
                        "Customer code %(code)s is used for %(product)s and %(other)s "
                        "on agreement %(agreement)s: a code must name a single "
                        "product.",
                        code=line.customer_product_code,
                        product=line.product_id.display_name,
                        other=clash.product_id.display_name,
                        agreement=line.agreement_id.name,
                    )
                )

    def _check_threshold_change_allowed(self, field_names, agreements):
        """Thresholds of a running agreement are agreed terms: only a VMI Manager
        changes them."""
        if not THRESHOLD_FIELDS.intersection(field_names) or self.env.su:
            return
        terminated = agreements.filtered(
            lambda agreement: agreement.state == "terminated"
        )
        if terminated:
            raise ValidationError(
                self.env._(
                    "Agreement %(names)s is terminated: its lines can no longer "
                    "change.",
                    names=", ".join(terminated.mapped("name")),
                )
            )
        running = agreements.filtered(lambda agreement: agreement.state != "draft")
        if running and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Agreement %(names)s is no longer a draft: only a VMI Manager can "
                    "change its products, sites or thresholds.",
                    names=", ".join(running.mapped("name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        agreements = self.env["vmi.agreement"].browse(
            {vals["agreement_id"] for vals in vals_list if vals.get("agreement_id")}
        )
        self._check_threshold_change_allowed(THRESHOLD_FIELDS, agreements)
        return super().create(vals_list)

    def write(self, vals):
        agreements = self.agreement_id
        if vals.get("agreement_id"):
            agreements |= self.env["vmi.agreement"].browse(vals["agreement_id"])
        self._check_threshold_change_allowed(vals, agreements)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running_agreement(self):
        self._check_threshold_change_allowed(THRESHOLD_FIELDS, self.agreement_id)

    @api.onchange("agreement_id")
    def _onchange_agreement_id(self):
        sites = self.agreement_id.location_ids
        if len(sites) == 1 and not self.location_id:
            self.location_id = sites
        if self.agreement_id.state == "pilot":
            self.in_pilot_scope = True
