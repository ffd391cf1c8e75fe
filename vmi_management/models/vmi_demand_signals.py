from collections import defaultdict
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from ..engine.accuracy import forecast_scores
from ..tools import company_tz, field_values, local_date

# How far ahead events and customer forecasts are read: beyond any lead time plus cover.
OUTLOOK_DAYS = 180
# A forecast sent without its period covers the week after the report's day.
DEFAULT_FORECAST_DAYS = 7
ACCURACY_DAYS = 30  # the days forecast accuracy is judged over: the KPI period


def _window_per_line(lines, window_of):
    """Each line's history window, in the order of ``lines``: its company's
    (``window_of`` is ``{company: HistoryWindow}``)."""
    by_company = {company.id: window for company, window in window_of.items()}
    return [by_company[company] for company in field_values(lines, "company_id")]


def _censors(level):
    """Whether a recorded day hides its demand: nothing on hand, or marked as an
    outlier."""
    on_hand, outlier = level[0], level[1]
    return bool(outlier) or (on_hand is not None and on_hand <= 0)


class VmiDemandSignals(models.AbstractModel):
    """What, besides consumption, tells the forecast what demand to expect: days it must
    not learn from, the customer's own forecast, planned events, and how well the
    forecasts used lately did.

    Read for a whole batch of lines in a few queries, like the rest of an
    evaluation's inputs (``vmi.replenishment.data``).
    """

    _name = "vmi.demand.signals"
    _description = "VMI Demand Signals"

    @api.model
    def _add_signals(self, lines, facts, window_of, now):
        """Fill each line's censored days, events, customer forecast and forecast
        accuracy.

        :param window_of: ``{company: HistoryWindow}``; the decision day is the day
            after its end
        """
        if not lines:
            return
        levels = self._read_levels(lines, window_of)
        windows = _window_per_line(lines, window_of)
        self._add_censored(lines, facts, windows, levels)
        self._add_events(lines, facts, window_of)
        self._add_customer_forecasts(lines, facts, window_of)
        self._add_accuracy(lines, facts, windows, levels)

    def _read_levels(self, lines, window_of):
        """Each line's recorded days:
        ``{line id: {date: (on hand, outlier, forecast used, baseline, customer)}}``.

        One query for the batch; only days with something to say travel
        (out of stock, an outlier, or a forecast to judge).
        """
        start = min(window.start for window in window_of.values())
        judged_from = min(window.end for window in window_of.values()) - timedelta(
            days=ACCURACY_DAYS - 1
        )
        self.env["vmi.stock.level"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT line_id, date, on_hand, is_outlier, demand_rate,
                      baseline_rate, customer_rate
                 FROM vmi_stock_level
                WHERE line_id = ANY(%s) AND date >= %s
                  AND (date >= %s OR on_hand <= 0 OR is_outlier)""",
                lines.ids,
                start,
                judged_from,
            )
        )
        levels = defaultdict(dict)
        for (
            line_id,
            date,
            on_hand,
            outlier,
            rate,
            baseline,
            customer,
        ) in self.env.cr.fetchall():
            levels[line_id][date] = (on_hand, outlier, rate, baseline, customer)
        return levels

    def _add_censored(self, lines, facts, windows, levels):
        """Days out of stock, or marked as outliers, are censored: the forecast does not
        learn from them.

        A day an evaluation found nothing on hand could not show its demand
        (what was not there could not be consumed); counting it as zero would
        lower the forecast, then the thresholds, and bring the next stockout.
        """
        for line, window in zip(lines, windows, strict=True):
            fact = facts[line]
            first = window.end - timedelta(days=len(fact.demand) - 1)
            fact.censored = tuple(
                sorted(
                    (date - first).days
                    for date, level in levels.get(line.id, {}).items()
                    if first <= date <= window.end and _censors(level)
                )
            )

    def _add_events(self, lines, facts, window_of):
        """The planned events of each line, as the engine counts their days from the
        decision day."""
        today = {
            company: window.end + timedelta(days=1)
            for company, window in window_of.items()
        }
        events = self.env["vmi.demand.event"].search(
            [
                ("agreement_id", "in", lines.agreement_id.ids),
                ("date_end", ">=", min(window.start for window in window_of.values())),
                (
                    "date_start",
                    "<=",
                    max(today.values()) + timedelta(days=OUTLOOK_DAYS),
                ),
            ]
        )
        if not events:
            return
        by_agreement = defaultdict(list)
        for event in events:
            by_agreement[event.agreement_id].append(event)
        for line in lines:
            facts[line].events = tuple(
                event._to_engine(today[line.company_id])
                for event in by_agreement.get(line.agreement_id, ())
                if event._concerns(line)
            )

    def _add_customer_forecasts(self, lines, facts, window_of):
        """The customer's expected demand per day, from the decision day on, and its
        figure for that day.

        Each accepted report line with a forecast spreads it evenly over its
        period: from its start, else the day after the report's day; to its
        end, else a week from its start. Where
        several cover a day, the most recent report speaks for it.
        """
        self.env["vmi.stock.report"].flush_model()
        self.env["vmi.stock.report.line"].flush_model()
        today = {
            company: window.end + timedelta(days=1)
            for company, window in window_of.items()
        }
        self.env.cr.execute(
            SQL(
                """SELECT report.agreement_id, line.product_id, line.location_id,
                      line.quantity_forecast, line.date_forecast_start,
                      line.date_forecast_end, report.date_as_of
                 FROM vmi_stock_report_line line
                 JOIN vmi_stock_report report ON report.id = line.report_id
                WHERE line.state = 'accepted' AND line.quantity_forecast IS NOT NULL
                  AND line.quantity_forecast != 0
                  AND report.state IN ('processed', 'partially_rejected')
                  AND report.agreement_id = ANY(%s) AND line.product_id = ANY(%s)
                  AND COALESCE(
                          line.date_forecast_end,
                          COALESCE(line.date_forecast_start,
                                   report.date_as_of::date + 1) + %s
                      ) >= %s
             ORDER BY report.date_as_of, report.id""",
                lines.agreement_id.ids,
                lines.product_id.ids,
                DEFAULT_FORECAST_DAYS,
                min(today.values()),
            )
        )
        daily = defaultdict(
            dict
        )  # (agreement, product, site) -> {date: quantity}, the latest report last
        tz_of = {
            agreement.id: company_tz(agreement.company_id)
            for agreement in lines.agreement_id
        }
        for (
            agreement,
            product,
            site,
            quantity,
            start,
            end,
            as_of,
        ) in self.env.cr.fetchall():
            start = start or local_date(as_of, tz_of[agreement]) + timedelta(days=1)
            end = end or start + timedelta(days=DEFAULT_FORECAST_DAYS - 1)
            if end < start:
                # an end before the day after the report, with no start: nothing ahead
                # to spread over
                continue
            days = (end - start).days + 1
            for offset in range(days):
                daily[agreement, product, site][start + timedelta(days=offset)] = (
                    quantity / days
                )
        if not daily:
            return
        for line in lines:
            days = daily.get(
                (line.agreement_id.id, line.product_id.id, line.location_id.id)
            )
            if not days:
                continue
            first = today[line.company_id]
            last = max(days)
            facts[line].customer_forecast = tuple(
                days.get(first + timedelta(days=offset))
                for offset in range((last - first).days + 1)
            )

    def _add_accuracy(self, lines, facts, windows, levels):
        """How the forecasts used on each of the last :data:`ACCURACY_DAYS` days did
        against that day's demand.

        The forecast judged is the one each day's evaluation planned with
        (``vmi.stock.level``): the forecast as used, not as it fits afterwards;
        beside it the statistical baseline and the customer's figure of the
        same days, so the value the customer's forecast adds shows.
        """
        for line, window in zip(lines, windows, strict=True):
            fact = facts[line]
            recorded = levels.get(line.id)
            if not recorded or not fact.daily:
                continue
            first = window.end - timedelta(days=len(fact.daily) - 1)
            judged = [
                (actual, recorded[day])
                for offset, actual in enumerate(fact.daily)
                if actual is not None
                and (day := first + timedelta(days=offset)) in recorded
                and day > window.end - timedelta(days=ACCURACY_DAYS)
                and not _censors(recorded[day])
            ]
            if judged:
                fact.accuracy = forecast_scores(
                    [actual for actual, __ in judged],
                    used=[level[2] for __, level in judged],
                    baseline=[level[3] for __, level in judged],
                    customer=[level[4] for __, level in judged],
                    history=fact.demand,
                )
