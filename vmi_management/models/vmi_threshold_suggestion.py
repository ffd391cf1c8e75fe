from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.simulate import compare
from ..engine.suggest import apply_suggestion, suggest_thresholds
from ..tools import in_engine_language
from .vmi_agreement import MANAGER_GROUP

SUGGESTED_FIELDS = ("min_qty", "max_qty", "reorder_point", "order_qty", "target_days")
WARMUP_DAYS = 14   # simulated days that only feed the forecast


class VmiThresholdSuggestion(models.Model):
    """The engine's suggested thresholds for one line, beside the current ones, with the reasoning and a
    replay of recent demand under both; a VMI Manager accepts or rejects it, and the agreement logs it.

    Thresholds are agreed terms: a suggestion never changes a line by itself.
    """

    _name = "vmi.threshold.suggestion"
    _inherit = ["vmi.replay.mixin"]
    _description = "VMI Threshold Suggestion"
    _order = "create_date desc, id desc"

    line_id = fields.Many2one("vmi.agreement.line", required=True, readonly=True, ondelete="cascade", index=True)
    agreement_id = fields.Many2one(related="line_id.agreement_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="line_id.product_id")
    location_id = fields.Many2one(related="line_id.location_id", string="Site")
    policy = fields.Selection(related="line_id.policy")
    state = fields.Selection([("proposed", "Proposed"), ("accepted", "Accepted"), ("rejected", "Rejected")],
                             default="proposed", required=True, readonly=True, index=True)
    current_min_qty = fields.Float(string="Current Min", readonly=True, digits="Product Unit of Measure")
    current_max_qty = fields.Float(string="Current Max", readonly=True, digits="Product Unit of Measure")
    current_reorder_point = fields.Float(string="Current Reorder Point", readonly=True,
                                         digits="Product Unit of Measure")
    current_order_qty = fields.Float(string="Current Order Qty", readonly=True, digits="Product Unit of Measure")
    current_target_days = fields.Float(string="Current Target Days", readonly=True)
    min_qty = fields.Float(string="Suggested Min", readonly=True, digits="Product Unit of Measure")
    max_qty = fields.Float(string="Suggested Max", readonly=True, digits="Product Unit of Measure")
    reorder_point = fields.Float(string="Suggested Reorder Point", readonly=True, digits="Product Unit of Measure")
    order_qty = fields.Float(string="Suggested Order Qty", readonly=True, digits="Product Unit of Measure")
    target_days = fields.Float(string="Suggested Target Days", readonly=True)
    reasoning = fields.Json(string="Reasoning Data", readonly=True)
    reasoning_html = fields.Html(compute="_compute_reasoning_html", string="Reasoning", sanitize=False)
    simulated_days = fields.Integer(readonly=True, help="Days of recent demand replayed under both thresholds.")
    decided_by_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    date_decided = fields.Datetime(string="Decided On", readonly=True)

    @api.depends("reasoning")
    def _compute_reasoning_html(self):
        for suggestion in self:
            reasoning = suggestion.reasoning or {}
            suggestion.reasoning_html = suggestion.line_id._steps_html(
                reasoning.get("forecast_method", ""), reasoning.get("steps") or [])

    @api.model
    @in_engine_language
    def _replay(self, lines, now=None, days=None):
        """For each line with a demand history: its engine input, the suggested thresholds, and the replay
        of its recent demand under the current and the suggested thresholds.

        :param days: replay only the last ``days`` days of the history (all of it by default)
        :returns: list of ``(line, current input, Suggestion, current result, suggested result)``
        """
        facts = self.env["vmi.replenishment.data"]._gather(lines, now or fields.Datetime.now())
        replays = []
        for line in lines:
            history = facts[line].demand[-days:] if days else facts[line].demand
            # the replay plays the known days back to back; the suggestion itself leaves out censored days
            demand = [value for value in history if value is not None]
            if not any(demand):
                continue
            if facts[line].on_hand is None:
                facts[line].on_hand = 0.0  # no stock data yet: the replay starts from an empty shelf
            current = line._prepare_engine_input(facts[line])
            review_days = line.agreement_id.review_interval_days or 1
            suggestion = suggest_thresholds(current, review_days=review_days)
            results = compare(current, apply_suggestion(current, suggestion), demand, review_days=review_days,
                              warmup_days=min(WARMUP_DAYS, len(demand) // 3))
            replays.append((line, current, suggestion, *results))
        return replays

    @api.model
    def _suggest(self, lines, now=None):
        """Suggest thresholds for each line with a demand history, replacing its earlier open suggestion.

        :returns: the new suggestions (lines without history get none: there is nothing to base one on)
        """
        vals_list = [{
            "line_id": line.id,
            **{f"current_{name}": line[name] for name in SUGGESTED_FIELDS},
            **{name: getattr(suggestion, name) or 0.0 for name in SUGGESTED_FIELDS},
            "reasoning": suggestion.to_dict(),
            "simulated_days": now_result.days,
            **self._prepare_replay_vals([(now_result, suggested_result)]),
        } for line, __, suggestion, now_result, suggested_result in self._replay(lines, now)]
        self.search([("line_id", "in", lines.ids), ("state", "=", "proposed")]).unlink()
        return self.create(vals_list)

    def _prepare_line_vals(self):
        """The thresholds the line takes when this suggestion is accepted, as its policy uses them."""
        self.ensure_one()
        policy_fields = {
            "min_max": ("min_qty", "max_qty"),
            "reorder_point": ("reorder_point", "order_qty"),
            "days_of_supply": ("target_days",),
        }[self.policy]
        return {name: self[name] for name in policy_fields}

    def _decide(self, state):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a VMI Manager can accept or reject suggested thresholds."))
        for suggestion in self:
            if suggestion.state != "proposed":
                raise UserError(self.env._("This suggestion for %(line)s was already %(state)s.",
                                           line=suggestion.line_id.display_name, state=suggestion.state))
        self.write({"state": state, "decided_by_id": self.env.uid, "date_decided": fields.Datetime.now()})

    def action_accept(self):
        """Apply the suggested thresholds to the lines, and log the change on each agreement."""
        self._decide("accepted")
        for suggestion in self:
            line = suggestion.line_id
            before = {name: line[name] for name in suggestion._prepare_line_vals()}
            line.write(suggestion._prepare_line_vals())
            changes = ", ".join(f"{name} {line._format_step_value(before[name])} → "
                                f"{line._format_step_value(line[name])}" for name in before)
            suggestion.agreement_id.message_post(body=self.env._(
                "Suggested thresholds accepted for %(line)s by %(user)s: %(changes)s.",
                line=line.display_name, user=self.env.user.name, changes=changes))
        return True

    def action_reject(self):
        """Keep the current thresholds, and log the decision on each agreement."""
        self._decide("rejected")
        for suggestion in self:
            suggestion.agreement_id.message_post(body=self.env._(
                "Suggested thresholds rejected for %(line)s by %(user)s; the current ones stay.",
                line=suggestion.line_id.display_name, user=self.env.user.name))
        return True
