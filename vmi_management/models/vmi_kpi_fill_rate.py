from odoo import fields, models, tools
from odoo.tools import SQL


class VmiKpiFillRate(models.Model):
    """Fill rate and its target per agreement and snapshot, as two series a graph draws
    side by side.

    A graph view charts one measure; with the fill rate and its target as two rows of
    the same measure, grouped by series, it draws both lines. A snapshot without demand
    has no fill rate and no row: it neither shows nor counts in an average."""

    _name = "vmi.kpi.fill.rate"
    _description = "VMI Fill Rate against Target"
    _auto = False
    _order = "date, series"

    snapshot_id = fields.Many2one("vmi.kpi.snapshot", readonly=True)
    agreement_id = fields.Many2one("vmi.agreement", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Partner", readonly=True
    )
    period = fields.Selection([("day", "Day"), ("week", "Week")], readonly=True)
    date = fields.Date(readonly=True)
    series = fields.Selection(
        [("actual", "Fill Rate"), ("target", "Target")], readonly=True
    )
    value = fields.Float(
        string="Fill Rate (%)", aggregator="avg", digits=(16, 1), readonly=True
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %s AS (
                   SELECT snapshot.id * 2 + series.shift AS id,
                          snapshot.id AS snapshot_id, snapshot.agreement_id,
                          snapshot.company_id, snapshot.commercial_partner_id,
                          snapshot.period, snapshot.date, series.name AS series,
                          CASE series.name
                               WHEN 'actual' THEN snapshot.fill_rate
                               ELSE snapshot.target_fill_rate
                          END AS value
                     FROM vmi_kpi_snapshot snapshot
                    CROSS JOIN (VALUES (0, 'actual'), (1, 'target'))
                               AS series (shift, name)
                    WHERE snapshot.fill_rate IS NOT NULL
               )""",
                SQL.identifier(self._table),
            )
        )
