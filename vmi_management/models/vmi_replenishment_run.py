from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL


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
    in_progress = fields.Boolean(
        readonly=True,
        help="A scheduled run whose steps cron workers are still doing.",
    )
    step_ids = fields.One2many(
        "vmi.replenishment.step", "run_id", string="Steps", readonly=True
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
        [("running", "Running"), ("done", "Done"), ("with_errors", "With Errors")],
        compute="_compute_event_counts",
    )

    def init(self):
        # one scheduled run under way at a time: two workers starting one at the same
        # moment cannot both succeed, whatever their snapshots saw
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS "
                "vmi_replenishment_run_one_in_progress ON vmi_replenishment_run "
                "(in_progress) WHERE in_progress"
            )
        )

    @api.depends("event_ids.kind", "in_progress")
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
            run.state = (
                "running"
                if run.in_progress
                else "with_errors"
                if run.error_count
                else "done"
            )

    @api.depends("date_start", "trigger")
    def _compute_display_name(self):
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        for run in self:
            run.display_name = (
                f"{triggers.get(run.trigger, '')} · "
                f"{fields.Datetime.to_string(run.date_start)}"
            )

    @api.model
    def _in_progress(self):
        """The scheduled run whose steps are being done, if any."""
        return self.search([("in_progress", "=", True)], limit=1)

    def _pending_steps(self):
        """How many of this run's steps are still to do."""
        self.ensure_one()
        return self.env["vmi.replenishment.step"].search_count(
            [("run_id", "=", self.id), ("state", "=", "pending")]
        )

    def _finish(self, now):
        """The last step is done: total the run up and release the supply plan's
        allotments no step used."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                # two idle workers may both see the last step done: one finishes
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM vmi_replenishment_run WHERE id = %s "
                        "FOR NO KEY UPDATE NOWAIT",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except (LockNotAvailable, SerializationFailure):
            return
        totals = self.env["vmi.replenishment.step"]._read_group(
            [("run_id", "=", self.id)], [], ["line_count:sum", "order_line_count:sum"]
        )[0]
        self.write(
            {
                "in_progress": False,
                "duration": (now - self.date_start).total_seconds(),
                "line_count": totals[0] or 0,
                "order_line_count": totals[1] or 0,
            }
        )
        self.env["vmi.supply.plan"].search([("state", "=", "open")])._close()

    def _trigger_workers(self, at=None):
        """Call every cron worker running the scheduled evaluation (the scheduler and
        its helpers) to share this run's steps."""
        crons = (
            self.env["ir.cron"]
            .sudo()
            .search(
                [
                    ("model_id.model", "=", "vmi.replenishment"),
                    ("code", "=", "model._cron_evaluate()"),
                ]
            )
        )
        for cron in crons:
            cron._trigger(at)

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
