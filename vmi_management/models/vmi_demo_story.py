"""The demo's 120 days: the history behind the demo agreements, made at install time.

Dates are relative to the day the demo is installed, so the history is
generated here rather than written in the demo XML. Each line's demand
follows a pattern (a trend, a weekly rhythm, intermittent orders, a
promotion), and the line's own policy replays it day by day with the
engine's ``plan_line``, as the scheduler would have: what was delivered,
consumed and reported is then recorded through the same paths as real data
(done stock moves where the stock is in our books, stock reports where the
customer owns it), and each day's level as an evaluation would have kept it.
"""

import random
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from math import ceil

from odoo import Command, api, fields, models

from ..engine.kpi import forecast_accuracy, scorecard, summarize
from ..engine.policies import plan_line
from ..tools import company_tz, day_start, local_date
from .vmi_kpi_snapshot import TARGET_FIELDS, percent
from .vmi_replenishment_data import LineFacts
from .vmi_stock_level import KPI_PERIOD_DAYS

STORY_DAYS = 120
WARMUP_DAYS = 28  # demand before the story, which only the replayed forecasts see
CLINIC_WEEK = (1.2, 1.2, 1.2, 1.2, 1.1, 0.4, 0.2)  # Monday first
STORE_WEEK = (0.9, 0.9, 1.0, 1.0, 1.2, 1.5, 0.0)

# Per demo line: its stock when the story begins, its demand pattern, and what
# happened to it. Demand is "trend": (first, last) daily mean, or "steady":
# (mean, spread), shaped by "week" (a factor per weekday), or "intermittent":
# (chance of an order on a day, smallest, largest).
STORY = {
    "line_northwind_gloves_main_demo": {
        "opening": 55,
        "trend": (3.0, 13.0),
        "week": CLINIC_WEEK,
    },
    "line_northwind_masks_main_demo": {
        "opening": 140,
        "steady": (11.0, 2.0),
        "week": CLINIC_WEEK,
    },
    "line_northwind_syringes_main_demo": {"opening": 12, "intermittent": (0.3, 2, 5)},
    "line_northwind_gloves_north_demo": {
        "opening": 35,
        "steady": (4.0, 1.5),
        "week": CLINIC_WEEK,
    },
    "line_northwind_wipes_north_demo": {
        "opening": 48,
        "steady": (3.0, 1.0),
        "week": CLINIC_WEEK,
    },
    # a double shipment three days ago left North Wing with more gauze than it holds
    "line_northwind_gauze_north_demo": {
        "opening": 25,
        "intermittent": (0.4, 1, 4),
        "extra_receipt": (3, 40),
    },
    # yesterday a contractor bought nearly all the bolts: five boxes are left
    "line_bluebird_bolts_demo": {
        "opening": 80,
        "steady": (5.0, 1.5),
        "week": STORE_WEEK,
        "left_yesterday": 5,
    },
    "line_bluebird_screws_demo": {
        "opening": 70,
        "steady": (5.0, 1.5),
        "week": STORE_WEEK,
    },
    # four weeks ago the warehouse had no cable ties for ten days: the delivery
    # due then came ten days late
    "line_bluebird_ties_demo": {
        "opening": 30,
        "steady": (2.0, 0.8),
        "week": STORE_WEEK,
        "short": (28, 10),
    },
    "line_delta_film_demo": {
        "opening": 18,
        "steady": (1.2, 0.5),
        "week": (1, 1, 1, 1, 1, 0, 0),
    },
}


class VmiDemoStory(models.AbstractModel):
    _name = "vmi.demo.story"
    _description = "VMI Demo History"

    @api.model
    def _demo_tell_story(self):
        """Give the demo lines 120 days of history up to yesterday (demo data only)."""
        lines = self.env["vmi.agreement.line"].browse(
            [self.env.ref(f"vmi_management.{xmlid}").id for xmlid in STORY]
        )
        today = local_date(fields.Datetime.now(), company_tz(lines.company_id[:1]))
        dates = [
            today - timedelta(days=STORY_DAYS - offset) for offset in range(STORY_DAYS)
        ]
        replays = {
            line: self._replay(line, STORY[xmlid], dates)
            for line, xmlid in zip(lines, STORY, strict=False)
        }
        self._record_levels(replays, dates)
        in_books = {
            line: replay
            for line, replay in replays.items()
            if line.agreement_id._site_kind() != "customer_location"
        }
        self._record_moves(replays, in_books, dates)
        self._record_closing_counts(in_books, dates)
        self._record_reports(
            {line: replay for line, replay in replays.items() if line not in in_books},
            dates,
        )
        self._record_kpi_weeks(replays, dates)

    @api.model
    def _demo_evaluate_and_bill(self):
        """Evaluate the running demo agreements as the scheduler would this morning,
        and bill the consignment's consumption up to the start of this week."""
        agreements = self.env["vmi.agreement"].search(
            [("state", "in", ("pilot", "active"))]
        )
        self.env["vmi.replenishment"]._evaluate_now(agreements)
        northwind = self.env.ref("vmi_management.agreement_northwind_demo")
        tz = company_tz(northwind.company_id)
        today = local_date(fields.Datetime.now(), tz)
        northwind._bill_consumption(
            until=day_start(today - timedelta(days=today.weekday()), tz)
        )

    # ------------------------------------------------------------------

    def _demand(self, story, dates, rng, events):
        """The line's daily demand over the warm-up and story days, oldest first."""
        days = [
            dates[0] - timedelta(days=WARMUP_DAYS - offset)
            for offset in range(WARMUP_DAYS)
        ] + dates
        week = story.get("week", (1.0,) * 7)
        demand = []
        for index, day in enumerate(days):
            if "intermittent" in story:
                chance, low, high = story["intermittent"]
                quantity = rng.randint(low, high) if rng.random() < chance else 0
            else:
                if "trend" in story:
                    first, last = story["trend"]
                    mean, spread = first + (last - first) * index / (len(days) - 1), 1.5
                else:
                    mean, spread = story["steady"]
                quantity = max(round(rng.gauss(mean, spread) * week[day.weekday()]), 0)
            factor = next(
                (
                    event.uplift_factor
                    for event in events
                    if event.date_start <= day <= event.date_end
                ),
                1.0,
            )
            demand.append(round(quantity * factor))
        return demand

    def _replay(self, line, story, dates):
        """Replay the line's policy over the story days: per day, the morning's level
        and decision, what arrived and what was consumed."""
        events = (
            self.env["vmi.demand.event"]
            .search([("agreement_id", "=", line.agreement_id.id)])
            .filtered(
                lambda event: event._concerns(line) and event.uplift_type == "factor"
            )
        )
        # seeded by the line: the same story at every install
        rng = random.Random(f"{line.product_id.default_code}@{line.location_id.name}")
        demand = self._demand(story, dates, rng, events)
        lead = max(ceil(line.lead_time_days + line.lead_time_buffer_days), 1)
        base = line._prepare_engine_input(
            LineFacts(on_hand=0.0, lead_time_days=line.lead_time_days)
        )
        history = list(demand[:WARMUP_DAYS])
        on_hand, arrivals, days = float(story["opening"]), defaultdict(float), []
        short_from, short_days = story.get("short", (None, 0))
        # the days the warehouse could not ship, from the first delivery due then
        shortage = range(0)
        extra_day, extra_qty = story.get("extra_receipt", (None, 0))
        for index in range(STORY_DAYS):
            if (
                short_from
                and not shortage
                and index >= STORY_DAYS - short_from
                and arrivals.get(index)
            ):
                shortage = range(index, index + short_days)
            if index in shortage:
                arrivals[shortage.stop] += arrivals.pop(index, 0.0)
            received = arrivals.pop(index, 0.0)
            if extra_day is not None and index == STORY_DAYS - extra_day:
                received += extra_qty
            on_hand += received
            on_order = sum(arrivals.values())
            decision = plan_line(
                replace(base, on_hand=on_hand, on_order=on_order, demand=tuple(history))
            )
            if decision.order_qty > 0:
                arrival = index + lead
                arrivals[shortage.stop if arrival in shortage else arrival] += (
                    decision.order_qty
                )
            wanted = demand[WARMUP_DAYS + index]
            if "left_yesterday" in story and index == STORY_DAYS - 1:
                wanted = max(wanted, on_hand - story["left_yesterday"])
            consumed = min(on_hand, wanted)
            days.append(
                {
                    "on_hand": on_hand,
                    "on_order": on_order,
                    "received": received,
                    "consumed": consumed,
                    "decision": decision,
                }
            )
            on_hand -= consumed
            history.append(consumed)
        return {"days": days, "closing": on_hand}

    def _record_levels(self, replays, dates):
        """Each day's level, as that morning's evaluation would have kept it."""
        self.env["vmi.stock.level"].create(
            [
                {
                    "line_id": line.id,
                    "agreement_id": line.agreement_id.id,
                    "product_id": line.product_id.id,
                    "location_id": line.location_id.id,
                    "date": day,
                    "on_hand": state["on_hand"],
                    "on_order": state["on_order"],
                    "trigger_level": state["decision"].trigger_level,
                    "target_level": state["decision"].target_level,
                    "demand_rate": state["decision"].demand_rate,
                    "baseline_rate": state["decision"].baseline_rate,
                    "order_qty": state["decision"].order_qty,
                }
                for line, replay in replays.items()
                for day, state in zip(dates, replay["days"], strict=False)
            ]
        )

    def _record_moves(self, replays, in_books, dates):
        """Deliveries to every site, and consumption of the stock in our books, as
        done moves on their days (the customer reports the consumption of its own
        stock). The opening counts of the sites move to the eve of the story.
        """
        Move = self.env["stock.move"]
        supplier = self.env.ref("stock.stock_location_suppliers")
        vals_list, moments = [], []
        for line, replay in replays.items():
            agreement = line.agreement_id
            tz = company_tz(agreement.company_id)
            owner = (
                agreement.stock_owner_id
                if agreement.stock_owner_id != agreement.company_id.partner_id
                else self.env["res.partner"]
            )
            consumed_to = agreement._consumption_location(line.product_id)
            for day, state in zip(dates, replay["days"], strict=False):
                for quantity, source, destination, hour in (
                    (state["received"], supplier, line.location_id, 8),
                    (
                        state["consumed"] if line in in_books else 0,
                        line.location_id,
                        consumed_to,
                        16,
                    ),
                ):
                    if quantity > 0:
                        vals_list.append(
                            self._prepare_move_vals(
                                line, quantity, source, destination, owner
                            )
                        )
                        moments.append(day_start(day, tz) + timedelta(hours=hour))
        moves = Move.create(vals_list)
        moves._action_done()
        by_moment = defaultdict(lambda: Move)
        for move, moment in zip(moves, moments, strict=False):
            by_moment[moment] |= move
        for moment, day_moves in by_moment.items():
            day_moves.write({"date": moment})
            day_moves.move_line_ids.write({"date": moment})
        sites = self.env["vmi.agreement.line"].concat(*in_books).location_id
        openings = Move.search(
            [("is_inventory", "=", True), ("location_dest_id", "in", sites.ids)]
        )
        opened = day_start(dates[0], company_tz(sites.company_id[:1])) - timedelta(
            hours=12
        )
        openings.write({"date": opened})
        openings.move_line_ids.write({"date": opened})

    def _prepare_move_vals(self, line, quantity, source, destination, owner):
        return {
            "name": self.env._(
                "VMI demo history: %(product)s", product=line.product_id.display_name
            ),
            "product_id": line.product_id.id,
            "product_uom": line.product_id.uom_id.id,
            "product_uom_qty": quantity,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": line.company_id.id,
            "restrict_partner_id": owner.id,
            "picked": True,
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "product_uom_id": line.product_id.uom_id.id,
                        "quantity": quantity,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "owner_id": owner.id,
                        "company_id": line.company_id.id,
                    }
                )
            ],
        }

    def _record_reports(self, replays, dates):
        """The customer's nightly reports of on hand and consumption, one per day,
        processed in order.

        The demo's typed-in report (``stock_report_bluebird_demo``) is yesterday's:
        it gets yesterday's figures here and is processed by the demo data after.
        """
        Report = self.env["vmi.stock.report"]
        by_agreement = defaultdict(list)
        for line, replay in replays.items():
            by_agreement[line.agreement_id].append((line, replay))
        for agreement, agreement_replays in by_agreement.items():
            vals_list = []
            for index, day in enumerate(dates[:-1]):
                vals_list.append(
                    {
                        "agreement_id": agreement.id,
                        "date_as_of": Report._end_of_reported_day(agreement, day),
                        "date_period_start": day,
                        "line_ids": [
                            Command.create(
                                self._prepare_report_line_vals(line, replay, index, day)
                            )
                            for line, replay in agreement_replays
                        ],
                    }
                )
            for report in Report.create(vals_list):
                report._process()
        yesterday = self.env.ref("vmi_management.stock_report_bluebird_demo")
        for report_line in yesterday.line_ids.filtered("product_id"):
            line, replay = next(
                (line, replay)
                for line, replay in replays.items()
                if line.product_id == report_line.product_id
            )
            report_line.write(
                self._prepare_report_line_vals(line, replay, len(dates) - 1, dates[-1])
            )

    def _record_closing_counts(self, replays, dates):
        """Yesterday evening's count at the consignment sites, entered in the portal:
        it finds what the books hold, so it adjusts nothing."""
        Report = self.env["vmi.stock.report"]
        consigned = defaultdict(list)
        for line, replay in replays.items():
            if line.agreement_id._site_kind() == "consigned_at_customer":
                consigned[line.agreement_id].append(
                    Command.create(
                        {
                            "product_code": line.customer_product_code,
                            "product_id": line.product_id.id,
                            "location_id": line.location_id.id,
                            "quantity_on_hand": replay["closing"],
                        }
                    )
                )
        for agreement, line_commands in consigned.items():
            Report.create(
                {
                    "agreement_id": agreement.id,
                    "source": "portal",
                    "line_ids": line_commands,
                    "date_as_of": Report._end_of_reported_day(agreement, dates[-1]),
                }
            )._process()

    def _record_kpi_weeks(self, replays, dates):
        """Each past week's KPI snapshot, over the 30 days up to its Sunday, as the
        scheduler keeps them: the KPI graphs start with the story."""
        by_agreement = defaultdict(list)
        for line, replay in replays.items():
            by_agreement[line.agreement_id].append(replay)
        sundays = [
            index
            for index, day in enumerate(dates)
            if day.weekday() == 6 and index >= KPI_PERIOD_DAYS - 1
        ]
        vals_list = []
        for agreement, agreement_replays in by_agreement.items():
            targets = {name: agreement[name] for name in TARGET_FIELDS}
            for index in sundays:
                period = [
                    replay["days"][index - KPI_PERIOD_DAYS + 1 : index + 1]
                    for replay in agreement_replays
                ]
                # the period's average forecast: the demand of its days out of stock
                card = scorecard(
                    [
                        summarize(
                            [day["consumed"] for day in days],
                            [day["on_hand"] for day in days],
                            sum(day["decision"].demand_rate for day in days)
                            / len(days),
                        )
                        for days in period
                    ],
                    KPI_PERIOD_DAYS,
                )
                actual = [
                    sum(days[offset]["consumed"] for days in period)
                    for offset in range(KPI_PERIOD_DAYS)
                ]
                forecast = [
                    sum(days[offset]["decision"].demand_rate for days in period)
                    for offset in range(KPI_PERIOD_DAYS)
                ]
                accuracy, bias = forecast_accuracy(actual, forecast)
                vals_list.append(
                    {
                        "agreement_id": agreement.id,
                        "period": "week",
                        "date": dates[index] - timedelta(days=6),
                        "fill_rate": percent(card["fill_rate"]),
                        "inventory_turns": card["inventory_turns"],
                        "days_of_supply": card["days_of_supply"],
                        "stockout_days": card["stockout_days"],
                        "forecast_accuracy": percent(accuracy),
                        "forecast_bias": bias,
                        **targets,
                    }
                )
        self.env["vmi.kpi.snapshot"].create(vals_list)

    def _prepare_report_line_vals(self, line, replay, index, day):
        state = replay["days"][index]
        return {
            "product_code": line.customer_product_code,
            "product_id": line.product_id.id,
            "location_id": line.location_id.id,
            "quantity_on_hand": state["on_hand"] - state["consumed"],
            "quantity_consumed": state["consumed"],
            "date_period_start": day,
            "date_period_end": day,
        }
