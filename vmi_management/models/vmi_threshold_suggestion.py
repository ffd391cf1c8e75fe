from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.simulate import compare
from ..engine.suggest import apply_suggestion, suggest_thresholds
from ..tools import in_engine_language
from .vmi_agreement import MANAGER_GROUP

SUGGESTED_FIELDS = ("min_qty", "max_qty", "reorder_point", "order_qty", "target_days")
WARMUP_DAYS = 14  # simulated days that only feed the forecast
MIN_COVERED_DAYS_PARAM = "vmi_management.suggestion_min_days"
DEFAULT_MIN_COVERED_DAYS = 28  # four weeks: every day of the week seen four times
SHORT_HISTORY_LISTED = 10  # lines named in the message about histories too short


class VmiThresholdSuggestion(models.Model):
    """The engine's suggested thresholds for one line, beside the current ones, with the
    reasoning and a replay of recent demand under both; a VMI Manager accepts or rejects
    it, and the agreement logs it.

    Thresholds are agreed terms: a suggestion never changes a line by itself.

    A suggestion rests on the line's covered days only: days with data that
    were not out of stock (a day without data, or out of stock, is unknown
    demand, not zero). It is made from a minimum number of them (the
    setting, four weeks by default), and one whose own replay serves less
    than the agreement's target fill rate is flagged, and only a VMI Manager
    can accept it, knowingly.
    """

    _name = "vmi.threshold.suggestion"
    _inherit = ["vmi.replay.mixin"]
    _description = "VMI Threshold Suggestion"
    _order = "create_date desc, id desc"

    line_id = fields.Many2one(
        "vmi.agreement.line",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    agreement_id = fields.Many2one(
        related="line_id.agreement_id", store=True, index=True
    )
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="line_id.product_id")
    location_id = fields.Many2one(related="line_id.location_id", string="Site")
    policy = fields.Selection(related="line_id.policy")
    state = fields.Selection(
        [("proposed", "Proposed"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    current_min_qty = fields.Float(
        string="Current Min", readonly=True, digits="Product Unit of Measure"
    )
    current_max_qty = fields.Float(
        string="Current Max", readonly=True, digits="Product Unit of Measure"
    )
    current_reorder_point = fields.Float(
        readonly=True, digits="Product Unit of Measure"
    )
    current_order_qty = fields.Float(readonly=True, digits="Product Unit of Measure")
    current_target_days = fields.Float(readonly=True)
    min_qty = fields.Float(
        string="Suggested Min", readonly=True, digits="Product Unit of Measure"
    )
    max_qty = fields.Float(
        string="Suggested Max", readonly=True, digits="Product Unit of Measure"
    )
    reorder_point = fields.Float(
        string="Suggested Reorder Point",
        readonly=True,
        digits="Product Unit of Measure",
    )
    order_qty = fields.Float(
        string="Suggested Order Qty", readonly=True, digits="Product Unit of Measure"
    )
    target_days = fields.Float(string="Suggested Target Days", readonly=True)
    reasoning = fields.Json(string="Reasoning Data", readonly=True)
    reasoning_html = fields.Html(
        compute="_compute_reasoning_html", string="Reasoning", sanitize=False
    )
    simulated_days = fields.Integer(
        readonly=True, help="Days of recent demand replayed under both thresholds."
    )
    decided_by_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    date_decided = fields.Datetime(string="Decided On", readonly=True)
    target_fill_rate = fields.Float(related="agreement_id.target_fill_rate")
    misses_target_fill_rate = fields.Boolean(
        compute="_compute_misses_target_fill_rate",
        help="The replay of recent demand under the suggested thresholds serves less "
        "than the agreement's target fill rate: only a VMI Manager can accept it.",
    )

    @api.depends("line_id.display_name")
    def _compute_display_name(self):
        for suggestion in self:
            suggestion.display_name = self.env._(
                "Thresholds for %(line)s", line=suggestion.line_id.display_name
            )

    @api.depends(
        "suggested_fill_rate", "simulated_days", "agreement_id.target_fill_rate"
    )
    def _compute_misses_target_fill_rate(self):
        for suggestion in self:
            suggestion.misses_target_fill_rate = bool(
                suggestion.simulated_days
                and round(suggestion.suggested_fill_rate, 1)
                < suggestion.agreement_id.target_fill_rate
            )

    @api.depends("reasoning")
    def _compute_reasoning_html(self):
        for suggestion in self:
            reasoning = suggestion.reasoning or {}
            suggestion.reasoning_html = suggestion.line_id._steps_html(
                reasoning.get("forecast_method", ""), reasoning.get("steps") or []
            )

    @api.model
    def _min_covered_days(self):
        """The fewest covered days a suggestion is made from (the setting; 0 or less: no
        minimum)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(MIN_COVERED_DAYS_PARAM, DEFAULT_MIN_COVERED_DAYS)
        )
        try:
            return max(int(value), 0)
        except ValueError:
            return DEFAULT_MIN_COVERED_DAYS

    @staticmethod
    def _covered_demand(fact, days=None):
        """The demand of the line's covered days, oldest first: days with data that were
        not out of stock.

        Unknown days (no data) and censored days (out of stock, outliers) are
        left out rather than read as zero demand.

        :param days: only the last ``days`` days of the history (all of it by default)
        """
        history = fact.demand[-days:] if days else fact.demand
        offset = len(fact.demand) - len(history)
        censored = set(fact.censored)
        return [
            value
            for index, value in enumerate(history, offset)
            if value is not None and index not in censored
        ]

    @api.model
    @in_engine_language
    def _replay(self, lines, now=None, days=None):
        """For each line with a demand history: its engine input, the suggested
        thresholds, and the replay of its recent demand under the current and the
        suggested thresholds.

        :param days: replay only the last ``days`` days of the history (all of it by
            default)
        :returns: list of
            ``(line, current input, Suggestion, current result, suggested result)``
        """
        return self._replay_covered(lines, now, days)[0]

    @api.model
    def _replay_covered(self, lines, now=None, days=None, min_days=0):
        """``_replay``, for the lines with at least ``min_days`` covered days.

        :returns: ``(replays, {line: its covered days})``, the second for the lines with
            fewer
        """
        facts = self.env["vmi.replenishment.data"]._gather(
            lines, now or fields.Datetime.now()
        )
        replays, short = [], {}
        for line in lines:
            # the replay plays the covered days back to back, as the suggestion learns
            # from them
            demand = self._covered_demand(facts[line], days)
            if len(demand) < min_days:
                short[line] = len(demand)
                continue
            if not any(demand):
                continue
            if facts[line].on_hand is None:
                facts[
                    line
                ].on_hand = (
                    0.0  # no stock data yet: the replay starts from an empty shelf
                )
            current = line._prepare_engine_input(facts[line])
            review_days = line.agreement_id.review_interval_days or 1
            suggestion = suggest_thresholds(current, review_days=review_days)
            results = compare(
                current,
                apply_suggestion(current, suggestion),
                demand,
                review_days=review_days,
                warmup_days=min(WARMUP_DAYS, len(demand) // 3),
            )
            replays.append((line, current, suggestion, *results))
        return replays, short

    @api.model
    def _suggest(self, lines, now=None):
        """Suggest thresholds for each line with a demand history, replacing its earlier
        open suggestion.

        :returns: the new suggestions (lines without history get none: there is nothing
            to base one on)
        """
        return self._suggest_covered(lines, now)[0]

    @api.model
    def _suggest_covered(self, lines, now=None):
        """``_suggest``, for the lines with the minimum of covered days.

        :returns: ``(new suggestions, {line: its covered days})``, the second for the
            lines left out with too short a history; their earlier open suggestion is
            withdrawn too
        """
        replays, short = self._replay_covered(
            lines, now, min_days=self._min_covered_days()
        )
        vals_list = [
            {
                "line_id": line.id,
                **{f"current_{name}": line[name] for name in SUGGESTED_FIELDS},
                **{name: getattr(suggestion, name) or 0.0 for name in SUGGESTED_FIELDS},
                "reasoning": suggestion.to_dict(),
                "simulated_days": now_result.days,
                **self._prepare_replay_vals([(now_result, suggested_result)]),
            }
            for line, __, suggestion, now_result, suggested_result in replays
        ]
        self.search([("line_id", "in", lines.ids), ("state", "=", "proposed")]).unlink()
        return self.create(vals_list), short

    @api.model
    def _action_suggest(self, agreements):
        """Suggest thresholds for the lines of ``agreements`` and open the suggestions
        to decide.

        Lines whose history covers too few days get none; a notification
        names them, with their covered days and the minimum, before the list.
        """
        suggestions, short = self._suggest_covered(agreements.line_ids)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vmi_management.vmi_threshold_suggestion_action"
        )
        action["domain"] = [("agreement_id", "in", agreements.ids)]
        action["context"] = {"search_default_proposed": 1}
        if not suggestions:
            action["help"] = Markup("<p>%s</p>") % self.env._(
                "No line has enough demand history yet to base a suggestion on."
            )
        if not short:
            return action
        minimum = self._min_covered_days()
        names = [
            self.env._("%(line)s: %(days)s", line=line.display_name, days=days)
            for line, days in list(short.items())[:SHORT_HISTORY_LISTED]
        ]
        if len(short) > SHORT_HISTORY_LISTED:
            names.append(
                self.env._(
                    "and %(count)s more", count=len(short) - SHORT_HISTORY_LISTED
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Too little history for a suggestion"),
                "message": self.env._(
                    "Suggestions are made from at least %(minimum)s covered days (days "
                    "with data, not out of stock); these lines have fewer, and got "
                    "none: %(lines)s.",
                    minimum=minimum,
                    lines="; ".join(names),
                ),
                "type": "warning",
                "sticky": True,
                "next": action,
            },
        }

    def _prepare_line_vals(self):
        """The thresholds the line takes when this suggestion is accepted, as its policy
        uses them."""
        self.ensure_one()
        policy_fields = {
            "min_max": ("min_qty", "max_qty"),
            "reorder_point": ("reorder_point", "order_qty"),
            "days_of_supply": ("target_days",),
        }[self.policy]
        return {name: self[name] for name in policy_fields}

    def _decide(self, state):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a VMI Manager can accept or reject suggested thresholds."
                )
            )
        for suggestion in self:
            if suggestion.state != "proposed":
                raise UserError(
                    self.env._(
                        "This suggestion for %(line)s was already %(state)s.",
                        line=suggestion.line_id.display_name,
                        state=suggestion.state,
                    )
                )
        self.write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "date_decided": fields.Datetime.now(),
            }
        )

    def _check_target_fill_rate(self):
        """A suggestion whose replay misses the target fill rate lowers the service: a
        VMI Manager's call."""
        missing = self.filtered("misses_target_fill_rate")
        if missing and not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(
                self.env._(
                    "The replay of %(suggestion)s serves %(fill_rate)s%% of the "
                    "demand, below the agreement's target fill rate of %(target)s%%: "
                    "only a VMI Manager can accept it.",
                    suggestion=missing[0].display_name,
                    fill_rate=round(missing[0].suggested_fill_rate, 1),
                    target=missing[0].target_fill_rate,
                )
            )

    def action_accept(self):
        """Apply the suggested thresholds to the lines, and log the change on each
        agreement."""
        self._check_target_fill_rate()
        self._decide("accepted")
        for suggestion in self:
            line = suggestion.line_id
            before = {name: line[name] for name in suggestion._prepare_line_vals()}
            line.write(suggestion._prepare_line_vals())
            changes = ", ".join(
                f"{line._fields[name].get_description(self.env)['string']} "
                f"{line._format_step_value(before[name])} → "
                f"{line._format_step_value(line[name])}"
                for name in before
            )
            suggestion.agreement_id.message_post(
                body=self.env._(
                    "Suggested thresholds accepted for %(line)s by %(user)s: "
                    "%(changes)s.",
                    line=line.display_name,
                    user=self.env.user.name,
                    changes=changes,
                )
            )
        return True

    def action_reject(self):
        """Keep the current thresholds, and log the decision on each agreement."""
        self._decide("rejected")
        for suggestion in self:
            suggestion.agreement_id.message_post(
                body=self.env._(
                    "Suggested thresholds rejected for %(line)s by %(user)s; the "
                    "current ones stay.",
                    line=suggestion.line_id.display_name,
                    user=self.env.user.name,
                )
            )
        return True
