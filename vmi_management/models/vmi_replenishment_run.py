from odoo import api, fields, models


class VmiReplenishmentRun(models.Model):
    """One evaluation pass over a set of agreements, by the scheduler or by hand.

    It keeps what a planner asks after the fact: what was evaluated, which
    orders were created or changed, which lines were skipped and why, and
    which agreements failed (each in its own savepoint, so one failure never
    stops the others).
    """

    _name = "vmi.replenishment.run"
    _description = "VMI Replenishment Run"
    _order = "date_start desc, id desc"

    trigger = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("manual", "Evaluate now"),
            ("customer", "Customer's answer"),
        ],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Started By",
        readonly=True,
        default=lambda self: self.env.user,
    )
    date_start = fields.Datetime(
        string="Started", readonly=True, default=fields.Datetime.now
    )
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 3))
    agreement_count = fields.Integer(string="Agreements", readonly=True)
    line_count = fields.Integer(string="Lines Evaluated", readonly=True)
    order_line_count = fields.Integer(
        string="Lines to Order",
        readonly=True,
        help="Evaluated lines whose decision is to replenish.",
    )
    event_ids = fields.One2many(
        "vmi.replenishment.run.event", "run_id", string="Events", readonly=True
    )
    created_count = fields.Integer(
        compute="_compute_event_counts", string="Orders Created"
    )
    updated_count = fields.Integer(
        compute="_compute_event_counts", string="Orders Updated"
    )
    withdrawn_count = fields.Integer(
        compute="_compute_event_counts", string="Proposals Withdrawn"
    )
    skipped_count = fields.Integer(
        compute="_compute_event_counts", string="Lines Skipped"
    )
    error_count = fields.Integer(compute="_compute_event_counts", string="Errors")
    state = fields.Selection(
        [("done", "Done"), ("with_errors", "With Errors")],
        compute="_compute_event_counts",
    )

    @api.depends("event_ids.kind")
    def _compute_event_counts(self):
        counts = {
            (run, kind): count
            for run, kind, count in self.env["vmi.replenishment.run.event"]._read_group(
                [("run_id", "in", self.ids)], ["run_id", "kind"], ["__count"]
            )
        }
        for run in self:
            run.created_count = counts.get((run, "order_created"), 0)
            run.updated_count = counts.get((run, "order_updated"), 0)
            run.withdrawn_count = counts.get((run, "order_withdrawn"), 0)
            run.skipped_count = counts.get((run, "skipped"), 0)
            run.error_count = counts.get((run, "error"), 0)
            run.state = "with_errors" if run.error_count else "done"

    @api.depends("date_start", "trigger")
    def _compute_display_name(self):
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        for run in self:
            run.display_name = (
                f"{triggers.get(run.trigger, '')} · "
                f"{fields.Datetime.to_string(run.date_start)}"
            )

    def _prepare_event_vals(
        self, kind, message, agreement=None, line=None, document=None
    ):
        """Values of one event of this run; events are created in batches by the
        caller."""
        self.ensure_one()
        agreement = agreement or (line.agreement_id if line else None)
        return {
            "run_id": self.id,
            "kind": kind,
            "message": message,
            "agreement_id": agreement.id if agreement else False,
            "line_id": line.id if line else False,
            "document_ref": f"{document._name},{document.id}" if document else False,
        }

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }
