from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

from ..engine.accuracy import mase, relative_bias, value_added
from ..engine.kpi import (
    LinePeriod,
    add_totals,
    bullwhip_ratio,
    forecast_accuracy,
    on_time_rate,
    scorecard_from_totals,
    scorecard_totals,
)
from ..tools import (
    OptionalFloat,
    OptionalInteger,
    company_tz,
    local_date,
    read_group_rows,
)
from .vmi_stock_level import KPI_PERIOD_DAYS

FORECAST_SCORE_SUMS = ("shared_demand", "baseline_error", "customer_error")


def _day_sums(series):
    """Day by day sums of daily series over the KPI period (zeros for none)."""
    return [sum(days) for days in zip([0.0] * KPI_PERIOD_DAYS, *series, strict=False)]


def _score_sums(scores):
    """The sums of forecast scores (engine ``forecast_scores``, or sums of them) that
    the forecast value added is made of; None when there is none."""
    scores = [score for score in scores if score]
    if not scores:
        return None
    return {key: sum(score[key] for score in scores) for key in FORECAST_SCORE_SUMS}


# KPI fields of the agreement, kept as they are on each snapshot
KPI_FIELDS = (
    "fill_rate",
    "inventory_turns",
    "days_of_supply",
    "stockout_days",
    "forecast_accuracy",
    "forecast_bias",
    "forecast_bias_percent",
    "forecast_mase",
    "forecast_value_added",
    "bullwhip_ratio",
    "on_time_rate",
)
# each target, and the KPI it is kept beside
TARGET_FIELDS = {
    "target_fill_rate": "fill_rate",
    "target_inventory_turns": "inventory_turns",
    "target_days_of_supply": "days_of_supply",
}


def percent(share):
    """A share as a percentage, None staying None (an undefined KPI)."""
    return None if share is None else share * 100.0


class VmiKpiSnapshot(models.Model):
    """An agreement's KPIs as an evaluation computed them, kept per day and per week.

    Every figure covers the :data:`KPI_PERIOD_DAYS` days up to the
    snapshot; the week's row is the last one computed in that week. The
    targets of the day sit beside them, so a graph shows target against
    actual over time.
    """

    _name = "vmi.kpi.snapshot"
    _description = "VMI KPI Snapshot"
    _order = "date desc, agreement_id"
    _rec_name = "date"

    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="agreement_id.commercial_partner_id", store=True, string="Partner"
    )
    period = fields.Selection(
        [("day", "Day"), ("week", "Week")], required=True, readonly=True, index=True
    )
    date = fields.Date(
        required=True, readonly=True, help="The day, or the Monday of the week."
    )
    fill_rate = OptionalFloat(
        string="Fill Rate (%)", aggregator="avg", digits=(16, 1), readonly=True
    )
    # a target is kept where its KPI is defined only: an average of targets covers the
    # same snapshots as the average of the KPI it sits beside
    target_fill_rate = OptionalFloat(
        string="Target Fill Rate (%)", aggregator="avg", digits=(16, 1), readonly=True
    )
    inventory_turns = OptionalFloat(aggregator="avg", digits=(16, 1), readonly=True)
    target_inventory_turns = OptionalFloat(
        aggregator="avg", digits=(16, 1), readonly=True
    )
    days_of_supply = OptionalFloat(aggregator="avg", digits=(16, 1), readonly=True)
    target_days_of_supply = OptionalFloat(
        aggregator="avg", digits=(16, 1), readonly=True
    )
    has_demand = fields.Boolean(
        compute="_compute_has_demand",
        store=True,
        string="With Demand",
        help="Whether anything was demanded in the period: without demand, the rates "
        "are undefined and the snapshot is left out of the KPI averages by default.",
    )
    stockout_days = OptionalInteger(aggregator="sum", readonly=True)
    forecast_accuracy = OptionalFloat(
        string="Forecast Accuracy (%)", aggregator="avg", digits=(16, 1), readonly=True
    )
    forecast_bias = OptionalFloat(aggregator="avg", digits=(16, 2), readonly=True)
    forecast_bias_percent = OptionalFloat(
        string="Forecast Bias (%)", aggregator="avg", digits=(16, 1), readonly=True
    )
    forecast_mase = OptionalFloat(
        string="Forecast MASE", aggregator="avg", digits=(16, 2), readonly=True
    )
    forecast_value_added = OptionalFloat(
        string="Customer Forecast Value Added (pts)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
    )
    bullwhip_ratio = OptionalFloat(aggregator="avg", digits=(16, 2), readonly=True)
    on_time_rate = OptionalFloat(
        string="On-Time Delivery (%)", aggregator="avg", digits=(16, 1), readonly=True
    )

    _sql_constraints = [
        (
            "agreement_period_date_unique",
            "UNIQUE(agreement_id, period, date)",
            "An agreement has one KPI snapshot per day and per week.",
        ),
    ]

    @api.depends("fill_rate")
    def _compute_has_demand(self):
        """Demand in the period is what defines a fill rate: served ÷ demanded."""
        for snapshot in self:
            snapshot.has_demand = snapshot.fill_rate is not None

    @api.model
    @api.model
    def _period_days(self, companies, now):
        """The local day of each company, as the stock levels are dated, and the
        first day of the period ending on the earliest of them."""
        today = {company: local_date(now, company_tz(company)) for company in companies}
        start = min(today.values(), default=fields.Date.to_date(now)) - timedelta(
            days=KPI_PERIOD_DAYS - 1
        )
        return today, start

    @api.model
    def _period_totals(self, decisions, facts, now):
        """What the evaluated lines add to their agreement's KPIs: ``{agreement id:
        totals}``, JSON-able.

        Totals are sums (the scorecard's, each day's consumption, the customer
        forecasts' errors), so the totals of an agreement evaluated in several
        steps add up to those of one evaluation of all its lines
        (:meth:`_add_period_totals`). Consumption comes from what the
        evaluation just read, on-hand levels from ``vmi.stock.level`` in two
        grouped queries.
        """
        lines = self.env["vmi.agreement.line"].concat(*decisions)
        __, start = self._period_days(lines.agreement_id.company_id, now)
        Level = self.env["vmi.stock.level"]
        domain = [("line_id", "in", lines.ids), ("date", ">=", start)]
        # a group per line: plain ids spare making a record of each
        averages = dict(read_group_rows(Level, domain, ["line_id"], ["on_hand:avg"]))
        stockouts = dict(
            read_group_rows(
                Level, domain + [("on_hand", "<=", 0)], ["line_id"], ["__count"]
            )
        )
        lines_of = defaultdict(list)
        for line in decisions:
            lines_of[line.agreement_id.id].append(line)
        totals = {}
        for agreement_id, agreement_lines in lines_of.items():
            # each line's consumption per day of the period, the last day last; a day
            # without data consumed nothing that is known
            consumed_by_line = {
                line: [
                    value or 0.0
                    for value in ((None,) * KPI_PERIOD_DAYS + facts[line].daily)[
                        -KPI_PERIOD_DAYS:
                    ]
                ]
                for line in agreement_lines
            }
            scores = [facts[line].accuracy for line in agreement_lines]
            totals[agreement_id] = {
                "card": scorecard_totals(
                    LinePeriod(
                        consumed=sum(consumed_by_line[line]),
                        average_on_hand=averages.get(line.id),
                        on_hand=decisions[line].on_hand,
                        stockout_days=stockouts.get(line.id, 0),
                        demand_rate=decisions[line].demand_rate,
                    )
                    for line in agreement_lines
                ),
                "consumed": _day_sums(consumed_by_line.values()),
                "forecast_scores": _score_sums(scores),
            }
        return totals

    @api.model
    def _add_period_totals(self, parts):
        """The totals of an agreement's lines evaluated in several parts."""
        return {
            "card": add_totals(*(part["card"] for part in parts)),
            "consumed": _day_sums(part["consumed"] for part in parts),
            "forecast_scores": _score_sums(part["forecast_scores"] for part in parts),
        }

    def _record(self, agreements, totals, now):
        """Compute each agreement's KPIs over the last :data:`KPI_PERIOD_DAYS` days,
        store them on it and keep the day's and the week's snapshot.

        :param totals: ``{agreement id: totals}`` of all its evaluated lines
            (:meth:`_period_totals`)

        Each day's forecast and order comes from ``vmi.stock.level``, in a
        grouped query for all agreements. Forecast accuracy judges each day's
        forecast against that day's consumption, so it measures the forecasts
        as they were used, not as they fit afterwards.
        """
        today, start = self._period_days(agreements.company_id, now)
        Level = self.env["vmi.stock.level"]
        domain = [("agreement_id", "in", agreements.ids), ("date", ">=", start)]
        # per agreement and day: what was ordered, and the daily demand forecast that
        # day's evaluation used
        ordered, forecast = defaultdict(dict), defaultdict(dict)
        for agreement, date, quantity, rate in Level._read_group(
            domain, ["agreement_id", "date:day"], ["order_qty:sum", "demand_rate:sum"]
        ):
            ordered[agreement][fields.Date.to_date(date)] = quantity
            forecast[agreement][fields.Date.to_date(date)] = rate
        periods_of = {
            company: {"day": day, "week": day - timedelta(days=day.weekday())}
            for company, day in today.items()
        }
        snapshots = {
            (snapshot.agreement_id, snapshot.period, snapshot.date): snapshot
            for snapshot in self.search(
                [
                    ("agreement_id", "in", agreements.ids),
                    (
                        "date",
                        "in",
                        [
                            date
                            for periods in periods_of.values()
                            for date in periods.values()
                        ],
                    ),
                ]
            )
        }
        to_create = []
        empty = self._add_period_totals([])
        for agreement in agreements:
            day, periods = today[agreement.company_id], periods_of[agreement.company_id]
            # the days whose consumption is known: the period's, ending yesterday
            days = [
                day - timedelta(days=offset) for offset in range(KPI_PERIOD_DAYS, 0, -1)
            ]
            agreement_totals = totals.get(agreement.id, empty)
            consumed = agreement_totals["consumed"]
            card = scorecard_from_totals(agreement_totals["card"], KPI_PERIOD_DAYS)
            # each day's forecast, as its evaluation made it, against what was then
            # consumed
            judged = [
                (actual, forecast[agreement][date])
                for date, actual in zip(days, consumed, strict=False)
                if date in forecast[agreement]
            ]
            accuracy, bias = (
                forecast_accuracy(*zip(*judged, strict=False))
                if judged
                else (None, None)
            )
            actual, predicted = (
                (list(values) for values in zip(*judged, strict=False))
                if judged
                else ([], [])
            )
            # None where the period leaves a KPI undefined: stored as NULL, shown as
            # n/a, left out of averages
            values = {
                "fill_rate": percent(card["fill_rate"]),
                "inventory_turns": card["inventory_turns"],
                "days_of_supply": card["days_of_supply"],
                "stockout_days": card["stockout_days"],
                "forecast_accuracy": percent(accuracy),
                "forecast_bias": bias,
                "forecast_bias_percent": percent(relative_bias(actual, predicted)),
                "forecast_mase": mase(actual, predicted, consumed),
                "forecast_value_added": percent(
                    value_added([agreement_totals["forecast_scores"]])
                ),
                "bullwhip_ratio": bullwhip_ratio(
                    [ordered[agreement].get(date, 0.0) for date in days], consumed
                ),
                "on_time_rate": self._on_time_rate(agreement, now),
            }
            agreement.write(
                {
                    **{f"kpi_{name}": value for name, value in values.items()},
                    "kpi_date": now,
                }
            )
            values.update(
                {
                    target: agreement[target] if values[kpi] is not None else None
                    for target, kpi in TARGET_FIELDS.items()
                }
            )
            for period, date in periods.items():
                if (agreement, period, date) in snapshots:
                    snapshots[agreement, period, date].write(values)
                else:
                    to_create.append(
                        {
                            "agreement_id": agreement.id,
                            "period": period,
                            "date": date,
                            **values,
                        }
                    )
        self.create(to_create)

    @api.model
    def _on_time_rate(self, agreement, now):
        """Share (%) of the agreement's replenishments received in the period within its
        order cycle time, counted from the proposal's creation to the transfer's
        validation."""
        since = now - timedelta(days=KPI_PERIOD_DAYS)
        cycle_days = []
        received = [("state", "=", "done"), ("date_done", ">=", since)]
        documents = agreement._replenishment_documents(
            received
            if agreement._site_kind() == "consigned_at_customer"
            else [("picking_ids", "any", received)]
        )
        for document in documents:
            pickings = (
                document if document._name == "stock.picking" else document.picking_ids
            )
            for picking in pickings.filtered(
                lambda picking: picking.state == "done" and picking.date_done >= since
            ):
                cycle_days.append(
                    (picking.date_done - document.create_date).total_seconds() / 86400.0
                )
        return percent(on_time_rate(cycle_days, agreement.order_cycle_time_days))
