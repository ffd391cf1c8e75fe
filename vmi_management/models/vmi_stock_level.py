from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools import company_tz, local_date

KPI_PERIOD_DAYS = 30  # the scorecard's look-back


class VmiStockLevel(models.Model):
    """The stock of one agreement line as an evaluation saw it, one row per line and
    day.

    It is the history both parties look back on: the portal's chart of on
    hand against min and max, and the agreement's KPIs (``vmi.kpi.snapshot``),
    which thereby rest on the very numbers the replenishment planned with.
    """

    _name = "vmi.stock.level"
    _description = "VMI Daily Stock Level"
    _order = "date desc, id desc"
    _rec_name = "date"
    # A row per line and day, written by the system only: who and when is the
    # evaluation's (see the run log), and each stored reference costs a foreign
    # key check per row, so only what the views group by is stored.
    _log_access = False

    # Indexes: (line, date) by the unique constraint, for a line's chart; (agreement,
    # date) in init(), for an agreement's KPIs over a period. Each further index slows
    # every evaluation.
    line_id = fields.Many2one("vmi.agreement.line", required=True, ondelete="cascade")
    agreement_id = fields.Many2one("vmi.agreement", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="agreement_id.company_id")
    commercial_partner_id = fields.Many2one(
        related="agreement_id.commercial_partner_id", string="Partner"
    )
    product_id = fields.Many2one("product.product", required=True)
    location_id = fields.Many2one("stock.location", string="Site", required=True)
    date = fields.Date(required=True)
    # levels, not flows: over several days (a week in the pivot) they average, never add
    # up
    on_hand = fields.Float(digits="Product Unit of Measure", aggregator="avg")
    on_order = fields.Float(digits="Product Unit of Measure", aggregator="avg")
    trigger_level = fields.Float(
        string="Min / Trigger", digits="Product Unit of Measure", aggregator="avg"
    )
    target_level = fields.Float(
        string="Max / Target", digits="Product Unit of Measure", aggregator="avg"
    )
    demand_rate = fields.Float(
        string="Daily Demand",
        digits=(16, 3),
        help="The day's demand forecast, as the evaluation planned with it.",
    )
    baseline_rate = fields.Float(
        string="Statistical Forecast",
        digits=(16, 3),
        help="The statistical forecast of the day, before the customer's forecast and "
        "events.",
    )
    customer_rate = fields.Float(
        string="Customer Forecast",
        digits=(16, 3),
        help="The customer's forecast of the day, when it sent one.",
    )
    is_outlier = fields.Boolean(
        string="Outlier",
        help="The planner marks a day whose demand was exceptional (a one-off order, a "
        "data error): forecasts and thresholds no longer learn from it. Days out of "
        "stock are left out without marking.",
    )
    order_qty = fields.Float(
        string="Ordered",
        digits="Product Unit of Measure",
        help="What the day's evaluation decided to order.",
    )

    _sql_constraints = [
        (
            "line_date_unique",
            "UNIQUE(line_id, date)",
            "A line has one stock level per day.",
        ),
    ]

    def init(self):
        result = super().init()
        create_index(
            self.env.cr,
            "vmi_stock_level_agreement_date_index",
            self._table,
            ["agreement_id", "date"],
        )
        return result

    @api.model
    def _record_evaluation(self, lines, now):
        """Keep the day's level of these just-evaluated lines; a later evaluation the
        same day replaces it.

        The level is the decision the evaluation stored on the line, copied
        in one statement per company: at tens of thousands of lines per run
        only their ids travel, not the figures a second time. The day is the
        company's local day.
        """
        self.env["vmi.agreement.line"].flush_model()
        for company in lines.company_id:
            day = local_date(now, company_tz(company))
            self._insert_levels(
                lines.filtered(
                    lambda line, company=company: line.company_id == company
                ),
                day,
            )
        self.invalidate_model()

    def _insert_levels(self, lines, day):
        self.env.cr.execute(
            SQL(
                """INSERT INTO vmi_stock_level (
                       line_id, agreement_id, product_id, location_id, on_hand,
                       on_order, trigger_level, target_level, demand_rate,
                       baseline_rate, customer_rate, order_qty, date)
               SELECT line.id, line.agreement_id, line.product_id,
                      line.location_id, line.last_on_hand, line.last_on_order,
                      line.last_trigger_level, line.last_target_level,
                      line.last_demand_rate, line.last_baseline_rate,
                      line.last_customer_rate, line.last_order_qty, %s::date
                 FROM vmi_agreement_line line
                WHERE line.id = ANY(%s)
          ON CONFLICT (line_id, date) DO UPDATE
                  SET on_hand = EXCLUDED.on_hand,
                      on_order = EXCLUDED.on_order,
                      trigger_level = EXCLUDED.trigger_level,
                      target_level = EXCLUDED.target_level,
                      demand_rate = EXCLUDED.demand_rate,
                      baseline_rate = EXCLUDED.baseline_rate,
                      customer_rate = EXCLUDED.customer_rate,
                      order_qty = EXCLUDED.order_qty""",
                day,
                lines.ids,
            )
        )

    def action_mark_outlier(self):
        """Leave these days out of the forecasts and thresholds of their lines (from the
        next evaluation)."""
        self._set_outlier(True)

    def action_unmark_outlier(self):
        self._set_outlier(False)

    def _set_outlier(self, outlier):
        """Levels are the system's record: VMI users may mark their days as outliers,
        and change nothing else."""
        if not self.env.user.has_group("vmi_management.group_vmi_user"):
            raise AccessError(
                self.env._("Only VMI users may mark a day's demand as an outlier.")
            )
        self.check_access("read")
        self.sudo().is_outlier = outlier

    @api.model
    def _chart_data(self, line, days=90):
        """What the portal chart of one line draws: daily on hand, min and max, and
        deliveries received (inventory adjustments are counts, not deliveries).

        :returns: dict of lists, one value per day from ``days`` ago to today
                  (None where no evaluation saw the line that day)
        """
        today = fields.Date.context_today(self)
        start = today - timedelta(days=days - 1)
        levels = {
            level.date: level
            for level in self.search_fetch(
                [("line_id", "=", line.id), ("date", ">=", start)],
                ["date", "on_hand", "trigger_level", "target_level"],
            )
        }
        site_tree = self.env["stock.location"].search(
            [("id", "child_of", line.location_id.id)]
        )
        received = {
            fields.Date.to_date(day): quantity
            for day, quantity in self.env["stock.move"]._read_group(
                [
                    ("product_id", "=", line.product_id.id),
                    ("state", "=", "done"),
                    ("is_inventory", "=", False),
                    ("location_dest_id", "in", site_tree.ids),
                    ("location_id", "not in", site_tree.ids),
                    ("date", ">=", fields.Datetime.to_datetime(start)),
                ],
                ["date:day"],
                ["product_qty:sum"],
            )
        }
        dates = [start + timedelta(days=offset) for offset in range(days)]
        return {
            "labels": [fields.Date.to_string(day) for day in dates],
            "on_hand": [
                levels[day].on_hand if day in levels else None for day in dates
            ],
            "min": [
                levels[day].trigger_level if day in levels else None for day in dates
            ],
            "max": [
                (levels[day].target_level or None) if day in levels else None
                for day in dates
            ],
            "received": [received.get(day) for day in dates],
        }
