import json
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import float_compare

from ..engine.projection import Receipt, project_stock
from ..tools import company_tz, local_date
from .vmi_replenishment_data import OPEN_MOVE_STATES

WEEK = 7


class VmiAgreementLine(models.Model):
    """The projected stock of agreement lines: their stock day by day over the planning
    horizon."""

    _inherit = "vmi.agreement.line"

    def _get_projected_stock(self, now=None):
        """Each line's stock projected day by day from today (the company's local day).

        The facts are those an evaluation reads (``vmi.replenishment.data``);
        what is on order is placed on the day it is expected: open moves into
        the site on their date, the agreement's open proposal on its planned
        date, the rest (orders awaiting approval, deliveries the customer's
        last report cannot show yet) today.

        :param now: the moment projected from (default: now)
        :returns: dict ``{line: engine Projection}``; a line whose stock level
            is unknown (customer-owned stock never reported) maps to ``None``
        """
        now = now or fields.Datetime.now()
        facts = self.env["vmi.replenishment.data"]._gather(self, now)
        dated = self._read_dated_receipts()
        proposed = self._read_proposed_receipts(now)
        projections = {}
        for line in self:
            fact = facts[line]
            if fact.on_hand is None:
                projections[line] = None
                continue
            tz = company_tz(line.company_id)
            today = local_date(now, tz)
            receipts = [
                Receipt(local_date(moment, tz), quantity, label)
                for moment, quantity, label in dated.get(line, ())
            ]
            unplaced = fact.on_order - sum(receipt.quantity for receipt in receipts)
            if (
                float_compare(
                    unplaced, 0.0, precision_rounding=line.product_uom_id.rounding
                )
                > 0
            ):
                receipts.append(
                    Receipt(today, unplaced, self.env._("other open receipts"))
                )
            receipts += [
                Receipt(local_date(moment, tz), quantity, label)
                for moment, quantity, label in proposed.get(line, ())
            ]
            projections[line] = project_stock(
                line._prepare_engine_input(fact),
                today,
                receipts,
                review_days=line._review_period_days(),
            )
        return projections

    def _review_period_days(self):
        """Days between two reviews of the line's agreement: its interval, or the
        longest gap between two of its review weekdays."""
        self.ensure_one()
        agreement = self.agreement_id
        weekdays = (
            agreement.replenishment_frequency == "weekdays"
            and agreement._review_weekdays()
        )
        if not weekdays:
            return max(agreement.review_interval_days, 1)
        return max(
            (later - earlier) % WEEK or WEEK
            for earlier, later in zip(
                weekdays, weekdays[1:] + weekdays[:1], strict=False
            )
        )

    def _read_dated_receipts(self):
        """Open incoming moves into each line's site, of the agreed owners, with their
        expected date.

        They are the dated part of what the evaluation counts as on order
        (``vmi.replenishment.data._add_on_order``): moves between two locations of the
        same site are no receipt.

        :returns: dict ``{line: [(datetime, quantity, label)]}``"""
        Data = self.env["vmi.replenishment.data"]
        site_tree = self.location_id.with_context(active_test=False).search(
            [("id", "child_of", self.location_id.ids)]
        )
        site_of = Data._map_sites(site_tree, set(self.location_id.ids))
        moves = self.env["stock.move"].search_fetch(
            [
                ("product_id", "in", self.product_id.ids),
                ("state", "in", OPEN_MOVE_STATES),
                ("location_dest_id", "in", site_tree.ids),
            ],
            [
                "product_id",
                "location_id",
                "location_dest_id",
                "restrict_partner_id",
                "date",
                "product_qty",
                "reference",
            ],
        )
        by_key = defaultdict(list)
        for move in moves:
            site = site_of.get(move.location_dest_id.id)
            if site and site_of.get(move.location_id.id) != site:
                by_key[move.product_id.id, site].append(move)
        owners = {
            agreement: agreement._get_stock_owner_values()
            for agreement in self.agreement_id
        }
        return {
            line: [
                (move.date, move.product_qty, move.reference)
                for move in moves
                if Data._owned(move.restrict_partner_id.id, owners[line.agreement_id])
            ]
            for line in self
            if (moves := by_key.get((line.product_id.id, line.location_id.id)))
        }

    def _read_proposed_receipts(self, now):
        """What the agreements' open proposals order for each line, on the day they are
        planned for (the lead time from now when they have no date).

        :returns: dict ``{line: [(datetime, quantity, label)]}``"""
        receipts = defaultdict(list)
        for proposal in (
            self.env["vmi.replenishment"]._open_proposals(self.agreement_id).values()
        ):
            for document_line in proposal._vmi_lines():
                line = document_line.vmi_line_id
                if line in self:
                    moment = proposal[proposal._vmi_date_field] or now + timedelta(
                        days=line.lead_time_days
                        or line.agreement_id.order_cycle_time_days
                    )
                    receipts[line].append(
                        (
                            moment,
                            document_line[proposal._vmi_qty_field],
                            self.env._(
                                "%(document)s (proposal)", document=proposal.name
                            ),
                        )
                    )
        return receipts

    def _projected_stock_portal_values(self, now=None):
        """The line's projection as the portal's chart draws it, or None without a stock
        level.

        :returns: dict with ``chart`` (JSON: day labels, each series, the series'
            names), ``days``, ``first_below_min`` and ``first_stockout`` (dates or None)
        """
        self.ensure_one()
        projection = self._get_projected_stock(now)[self]
        if projection is None:
            return None
        rows = projection.rows
        chart = {
            "labels": [row.day.isoformat() for row in rows],
            "end": [row.end for row in rows],
            "min": [row.min for row in rows],
            "max": [row.max for row in rows],
            "incoming": [row.incoming for row in rows],
            "demand": [row.demand for row in rows],
            "events": [row.events for row in rows],
            "names": {
                "end": self.env._("Projected stock"),
                "min": self.env._("Min / trigger"),
                "max": self.env._("Max / target"),
                "incoming": self.env._("Incoming"),
                "demand": self.env._("Forecast demand"),
            },
        }
        return {
            "chart": json.dumps(chart),
            "days": len(rows),
            "first_below_min": projection.first_below_min,
            "first_stockout": projection.first_stockout,
        }

    def action_open_projected_stock(self):
        """The line's projected stock, day by day, as a list with a chart."""
        self.ensure_one()
        self.check_access("read")
        return self.env["vmi.projected.stock"]._open_for(self)
