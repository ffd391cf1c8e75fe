from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

SERIES = [
    ("stock", "Projected Stock"),
    ("min", "Min / Trigger"),
    ("max", "Max / Target"),
]


class VmiProjectedStock(models.TransientModel):
    """One day of an agreement line's projected stock, filled when a planner opens it.

    The list shows the "stock" rows, one per day with how the day moves the
    stock; the chart draws each series (projected stock, min, max) as a line,
    one row per day and series, since a graph view charts one measure.
    """

    _name = "vmi.projected.stock"
    _description = "VMI Projected Stock"
    _order = "date, series"

    line_id = fields.Many2one(
        "vmi.agreement.line",
        string="Agreement Line",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    product_id = fields.Many2one(related="line_id.product_id")
    location_id = fields.Many2one(related="line_id.location_id")
    date = fields.Date(required=True, readonly=True)
    series = fields.Selection(SERIES, required=True, readonly=True, default="stock")
    quantity = fields.Float(
        readonly=True,
        digits="Product Unit of Measure",
        help="The stock at the end of the day, or the threshold of the day for the min "
        "and max series.",
    )
    start_qty = fields.Float(
        string="Start",
        readonly=True,
        digits="Product Unit of Measure",
        help="Stock available at the start of the day (on hand − committed, on the "
        "first day).",
    )
    demand_qty = fields.Float(
        string="Forecast Demand", readonly=True, digits="Product Unit of Measure"
    )
    incoming_qty = fields.Float(
        string="Incoming",
        readonly=True,
        digits="Product Unit of Measure",
        help="Open transfers and shipments expected that day, and the open proposal on "
        "its planned date.",
    )
    shortage_qty = fields.Float(
        string="Shortage",
        readonly=True,
        digits="Product Unit of Measure",
        help="Demand the stock cannot meet that day.",
    )
    min_qty = fields.Float(
        string="Min", readonly=True, digits="Product Unit of Measure"
    )
    max_qty = fields.Float(
        string="Max", readonly=True, digits="Product Unit of Measure"
    )
    events = fields.Char(
        readonly=True, help="What moves the stock that day: demand events and receipts."
    )
    alert = fields.Selection(
        [("below_min", "Below min"), ("stockout", "Out of stock")], readonly=True
    )

    @api.model
    def _prepare_rows_vals(self, line, projection):
        """A row per day and series of ``line``'s engine Projection."""
        vals_list = []
        for row in projection.rows:
            alert = (
                "stockout"
                if row.end <= 0
                else "below_min"
                if row.end < row.min
                else False
            )
            vals_list.append(
                {
                    "line_id": line.id,
                    "date": row.day,
                    "series": "stock",
                    "quantity": row.end,
                    "start_qty": row.start,
                    "demand_qty": row.demand,
                    "incoming_qty": row.incoming,
                    "shortage_qty": row.shortage,
                    "min_qty": row.min,
                    "max_qty": row.max,
                    "events": row.events,
                    "alert": alert,
                }
            )
            vals_list += [
                {
                    "line_id": line.id,
                    "date": row.day,
                    "series": "min",
                    "quantity": row.min,
                },
                {
                    "line_id": line.id,
                    "date": row.day,
                    "series": "max",
                    "quantity": row.max,
                },
            ]
        return vals_list

    @api.model
    def _open_for(self, line):
        """Project ``line``'s stock now and open its day rows; the previous
        projection of it is replaced."""
        projection = line._get_projected_stock()[line]
        if projection is None:
            raise UserError(
                self.env._(
                    "No stock level for %(product)s at %(site)s yet: the customer owns "
                    "this stock, and its stock can be projected once a stock report "
                    "gives its level.",
                    product=line.product_id.display_name,
                    site=line.location_id.display_name,
                )
            )
        self.search(
            [("line_id", "=", line.id), ("create_uid", "=", self.env.uid)]
        ).unlink()
        self.create(self._prepare_rows_vals(line, projection))
        return self._action_for(line, projection)

    @api.model
    def _action_for(self, line, projection):
        summary = []
        if projection.first_stockout:
            summary.append(
                self.env._(
                    "out of stock on %(date)s",
                    date=format_date(self.env, projection.first_stockout),
                )
            )
        if projection.first_below_min:
            summary.append(
                self.env._(
                    "below min on %(date)s",
                    date=format_date(self.env, projection.first_below_min),
                )
            )
        name = self.env._("Projected Stock: %(line)s", line=line.display_name)
        if summary:
            name = f"{name} ({', '.join(summary)})"
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": self._name,
            "view_mode": "list",
            "views": [
                (
                    self.env.ref("vmi_management.vmi_projected_stock_view_list").id,
                    "list",
                )
            ],
            "domain": [
                ("line_id", "=", line.id),
                ("series", "=", "stock"),
                ("create_uid", "=", self.env.uid),
            ],
            "context": {"vmi_projected_line_id": line.id, "vmi_projected_name": name},
        }

    def action_open_chart(self):
        """The projection's chart: projected stock, min and max per day, as lines.

        A list header button, called on the selected rows (often none): the line is
        the one the list was opened for."""
        line_id = self.env.context.get("vmi_projected_line_id") or self.line_id[:1].id
        return {
            "type": "ir.actions.act_window",
            "name": self.env.context.get("vmi_projected_name")
            or self.env._("Projected Stock"),
            "res_model": self._name,
            "view_mode": "graph",
            "views": [
                (
                    self.env.ref("vmi_management.vmi_projected_stock_view_graph").id,
                    "graph",
                )
            ],
            "domain": [("line_id", "=", line_id), ("create_uid", "=", self.env.uid)],
            "context": {"vmi_projected_line_id": line_id},
        }
