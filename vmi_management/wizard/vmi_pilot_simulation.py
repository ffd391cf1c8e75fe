from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import format_quantity


class VmiPilotSimulation(models.TransientModel):
    """Replay an agreement's recent demand under its current and the engine's suggested
    thresholds, before activating it (or its pilot scope): what fill rate, stock and
    orders each would have given."""

    _name = "vmi.pilot.simulation"
    _inherit = ["vmi.replay.mixin"]
    _description = "VMI Pilot Simulation"

    agreement_id = fields.Many2one("vmi.agreement", required=True, readonly=True)
    scope = fields.Selection(
        [("pilot", "Pilot scope"), ("all", "All lines")], default="pilot", required=True
    )
    days = fields.Integer(string="Replay the Last (Days)", default=60, required=True)
    line_count = fields.Integer(string="Lines Replayed", readonly=True)
    result_html = fields.Html(string="Per Line", readonly=True, sanitize=False)

    def action_simulate(self):
        """Replay and total the lines in scope; the wizard stays open with the
        results."""
        self.ensure_one()
        lines = self.agreement_id.line_ids
        if self.scope == "pilot" and lines.filtered("in_pilot_scope"):
            lines = lines.filtered("in_pilot_scope")
        if not lines:
            raise UserError(
                self.env._(
                    "Agreement %(agreement)s has no lines to simulate: add its "
                    "products and sites on the Lines tab first.",
                    agreement=self.agreement_id.name,
                )
            )
        replays = self.env["vmi.threshold.suggestion"]._replay(
            lines, days=max(self.days, 7)
        )
        if not replays:
            raise UserError(
                self.env._(
                    "Nothing to simulate: none of the %(count)s lines of %(agreement)s "
                    "has any consumption in the last %(days)s days. The simulation "
                    "replays recent demand: it needs consumption history, from the "
                    "customer's stock reports (consumed quantities, or two counts) or "
                    "from consumption moves out of the site locations. Upload a stock "
                    "report, or replay more days.",
                    count=len(lines),
                    agreement=self.agreement_id.name,
                    days=max(self.days, 7),
                )
            )
        self.write(
            {
                "line_count": len(replays),
                **self._prepare_replay_vals(
                    [(now, suggested) for __, __, __, now, suggested in replays]
                ),
                "result_html": self._result_table(replays),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Simulate the Agreement"),
        }

    @api.model
    def _result_table(self, replays):
        header = Markup("").join(
            Markup("<th class='text-end'>%s</th>") % label
            for label in (
                self.env._("Fill rate now"),
                self.env._("suggested"),
                self.env._("Avg stock now"),
                self.env._("suggested"),
                self.env._("Orders now"),
                self.env._("suggested"),
            )
        )
        rows = Markup("").join(
            Markup("<tr><td>%s</td>%s</tr>")
            % (
                line.display_name,
                Markup("").join(
                    Markup("<td class='text-end'>%s</td>") % format_quantity(value, 1)
                    for value in (
                        100.0 * (now.fill_rate or 0.0),
                        100.0 * (suggested.fill_rate or 0.0),
                        now.average_on_hand,
                        suggested.average_on_hand,
                        now.orders,
                        suggested.orders,
                    )
                ),
            )
            for line, __, __, now, suggested in replays
        )
        return Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th>%s</tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (self.env._("Line"), header, rows)
