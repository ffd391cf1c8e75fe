from odoo import fields, models
from odoo.tools import SQL


class VmiReplenishmentStep(models.Model):
    """One bounded unit of work of a scheduled run, committed on its own.

    A run is cut into steps when it starts, so that no transaction holds more
    than a few thousand lines whatever the shape of the agreements, and so
    that several cron workers share one run, each claiming the next pending
    step with ``FOR UPDATE SKIP LOCKED``:

    - ``agreements``: small agreements evaluated whole, together;
    - ``sites``: some sites of a large agreement, with every line there. A
      site is never cut, so each site's proposal is brought to its quantities
      by exactly one step;
    - ``close``: what a large agreement needs once all its sites are done (its
      KPIs, its own exceptions, its next review). It can be claimed only when
      no ``sites`` step of its agreement is pending, and adds up what they
      left in ``results``.

    A step rolled back (a worker killed, a crash) stays pending and is taken
    up by the next call, as a batch was before.
    """

    _name = "vmi.replenishment.step"
    _description = "VMI Replenishment Step"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "vmi.replenishment.run",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    kind = fields.Selection(
        [
            ("agreements", "Whole Agreements"),
            ("sites", "Sites of an Agreement"),
            ("close", "Close an Agreement"),
        ],
        required=True,
        readonly=True,
    )
    agreement_ids = fields.Many2many(
        "vmi.agreement",
        "vmi_replenishment_step_agreement_rel",
        "step_id",
        "agreement_id",
        string="Agreements",
        readonly=True,
    )
    location_ids = fields.Many2many(
        "stock.location",
        "vmi_replenishment_step_location_rel",
        "step_id",
        "location_id",
        string="Sites",
        readonly=True,
        help='The sites a "sites" step evaluates; empty: all of them.',
    )
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    planned_line_count = fields.Integer(string="Planned Lines", readonly=True)
    line_count = fields.Integer(string="Lines Evaluated", readonly=True)
    order_line_count = fields.Integer(string="Lines to Order", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 3))
    results = fields.Json(
        readonly=True,
        help='What a "sites" step leaves for its agreement\'s close: '
        "{agreement id: {lines, to_order, kpi totals, review_by, error}}.",
    )

    def _claim_next(self, run):
        """Lock and return the next step of ``run`` this worker may do, or nothing.

        A close step waits until no sites step of its agreement is pending, in
        this transaction's snapshot: those another worker is doing are pending
        until it commits.
        """
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT step.id FROM vmi_replenishment_step step
                 WHERE step.run_id = %(run)s AND step.state = 'pending'
                   AND (step.kind != 'close' OR NOT EXISTS (
                        SELECT 1
                          FROM vmi_replenishment_step other
                          JOIN vmi_replenishment_step_agreement_rel other_rel
                            ON other_rel.step_id = other.id
                          JOIN vmi_replenishment_step_agreement_rel rel
                            ON rel.agreement_id = other_rel.agreement_id
                         WHERE rel.step_id = step.id AND other.run_id = step.run_id
                           AND other.kind = 'sites' AND other.state = 'pending'))
                 ORDER BY step.id
                 LIMIT 1
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                run=run.id,
            ),
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else ())

    def _sites_results(self):
        """The results the sites steps of this close step's agreement left."""
        self.ensure_one()
        return [
            result
            for step in self.search(
                [
                    ("run_id", "=", self.run_id.id),
                    ("kind", "=", "sites"),
                    ("agreement_ids", "in", self.agreement_ids.ids),
                ]
            )
            for result in (step.results or {}).values()
        ]
