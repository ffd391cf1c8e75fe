from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import timedelta
from math import ceil
from statistics import pstdev

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import (
    company_tz,
    day_end,
    day_start,
    field_values,
    local_date,
    read_group_rows,
    spread_over_days,
)

# A confirmed move, not yet done: what counts as on order (incoming) or committed
# (outgoing). Draft moves are no commitment of anyone's; the agreement's own draft
# proposal is replaced by the decision.
OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")
CONSUMPTION_USAGES = ("customer", "production", "inventory")
LEAD_TIME_SAMPLE_DAYS = 180
DELIVERY_HORIZON_DAYS = 90  # how far ahead a site's delivery days are looked for
LEAD_TIME_MIN_SAMPLES = 3


class HistoryWindow(namedtuple("HistoryWindow", "start end tz")):
    """The days of demand history of an evaluation: local days of the company, ending
    the day before."""

    __slots__ = ()

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def dates(self):
        return [self.start + timedelta(days=offset) for offset in range(self.days)]

    @property
    def utc_start(self):
        return day_start(self.start, self.tz)

    @property
    def utc_end(self):
        return day_end(self.end, self.tz)


@dataclass(slots=True)
class LineFacts:
    """What the evaluation knows about one agreement line, before the engine decides."""

    on_hand: float | None = None  # None: no stock data for this line
    on_hand_source: str = ""
    stock_as_of: object = None  # datetime of the stock report the on hand comes from
    on_order: float = 0.0
    committed: float = 0.0
    # consumption per day from the first with data to yesterday (None: no data)
    demand: tuple = ()
    # consumption per day of the history window; None: no data that day
    daily: tuple = ()
    history_start: object = None  # first day with data (a date), None: none yet
    lead_time_days: float = 0.0
    lead_time_source: str = ""
    lead_time_std_days: float = 0.0
    # days to the next delivery day after the lead time, and the one after
    delivery_days: tuple = ()
    censored: tuple = ()  # indices of ``demand`` out of stock or marked as outliers
    events: tuple = ()  # planned events (engine Events), counted from the decision day
    # the customer's expected demand per day from the decision day
    customer_forecast: tuple = ()
    # how the forecasts used lately did (engine ``forecast_scores``)
    accuracy: dict | None = None


class VmiReplenishmentData(models.AbstractModel):
    """Gathers, in a handful of grouped queries per batch, what replenishment decisions
    rest on.

    Never one query per line: every reading below groups by product and
    location over all the batch's sites at once, then maps sub-locations to
    their site in Python, through a map of the sites' locations made once.
    """

    _name = "vmi.replenishment.data"
    _description = "VMI Replenishment Inputs"

    @api.model
    def _history_days(self):
        """Days of demand history an evaluation reads (the setting; at least a week, 90
        when unreadable)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("vmi_management.history_days", "90")
        )
        try:
            return max(int(value), 7)
        except ValueError:
            return 90

    @api.model
    def _gather(self, lines, now):
        """Facts per agreement line.

        The agreements' own open proposals are drafts, which no quantity below
        counts: the evaluation replaces them with its new decision.

        :param lines: ``vmi.agreement.line`` records to evaluate
        :param now: evaluation datetime; the demand history ends the (company-local) day
            before
        :returns: dict ``{line: LineFacts}``
        """
        facts = {line: LineFacts() for line in lines}
        sites = lines.location_id
        products = lines.product_id
        # Sites and their sub-locations, resolved once: plain "IN" conditions keep
        # the grouped queries below on indexes, where "child_of" on many sites
        # would test every row against every site's path.
        site_tree = sites.with_context(active_test=False).search(
            [("id", "child_of", sites.ids)]
        )
        site_of = self._map_sites(site_tree, set(sites.ids))
        # Where the customer owns the stock, its level and consumption come from its
        # stock reports.
        reporting = lines.agreement_id.filtered(
            lambda agreement: agreement._site_kind() == "customer_location"
        )
        customer_owned = lines.filtered(lambda line: line.agreement_id in reporting)
        in_books = lines - customer_owned
        # What every reading below is summed by, read once per line.
        keys = {line: (line.product_id.id, line.location_id.id) for line in lines}
        # every quantity below counts only stock of the agreed owners
        owners = {
            agreement: agreement._get_stock_owner_values()
            for agreement in lines.agreement_id
        }
        self._add_on_hand(in_books, customer_owned, facts, keys)
        self._add_on_order(
            lines,
            facts,
            keys,
            products,
            site_tree,
            site_of,
            owners,
            self._partner_sites(lines),
        )
        self._add_committed(in_books, facts, keys, products, site_tree, site_of, owners)
        self._add_demand(
            in_books, customer_owned, facts, keys, site_tree, site_of, owners, now
        )
        self.env["vmi.demand.signals"]._add_signals(
            lines,
            facts,
            {
                company: self._history_window(company, now)
                for company in lines.company_id
            },
            now,
        )
        self._add_lead_times(lines, facts, keys, products, site_tree, site_of, now)
        self._add_delivery_days(lines, facts, now)
        return facts

    # ------------------------------------------------------------------

    @staticmethod
    def _map_sites(site_tree, site_ids):
        """The site each location of ``site_tree`` belongs to:
        ``{location id: site id}``.

        A location not in the map belongs to no site. The readings below look
        up a site for each row they read, up to one per product, location and
        day: a dictionary made once spares reading and splitting a location's
        path for each of them.
        """
        site_of = {}
        for location in site_tree:
            ancestors = map(int, reversed(location.parent_path.strip("/").split("/")))
            site_of[location.id] = next(
                (ancestor for ancestor in ancestors if ancestor in site_ids), None
            )
        return site_of

    def _add_on_hand(self, in_books, customer_owned, facts, keys):
        """Managed stock on hand: quants of the agreed owner, or the customer's last
        stock report.

        :param in_books: lines whose stock is in our books
        :param customer_owned: lines whose stock the customer owns and reports
        :param keys: ``{line: (product id, site id)}``
        """
        stock = in_books.agreement_id._read_site_stock()
        source = self.env._("managed stock at the site")
        for line in in_books:
            facts[line].on_hand = stock.get((line.agreement_id.id, *keys[line]), 0.0)
            facts[line].on_hand_source = source
        for line, (quantity, as_of) in self._read_reported_stock(
            customer_owned
        ).items():
            facts[line].on_hand, facts[line].stock_as_of = quantity, as_of
            facts[line].on_hand_source = self.env._(
                "customer stock report as of %(date)s",
                date=fields.Datetime.to_string(as_of),
            )

    def _read_reported_stock(self, customer_owned):
        """The latest accepted stock report per line whose stock the customer owns.

        That stock lives in the customer's system; its level reaches us only
        through stock reports. A line with no accepted report has no on-hand
        figure and is not replenished blindly.

        :returns: dict ``{line: (quantity on hand, as-of datetime)}``
        """
        if not customer_owned:
            return {}
        self.env["vmi.stock.report"].flush_model()
        self.env["vmi.stock.report.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (report.agreement_id, line.product_id,
                                   line.location_id)
                      report.agreement_id, line.product_id, line.location_id,
                      line.quantity_on_hand, report.date_as_of
                 FROM vmi_stock_report_line line
                 JOIN vmi_stock_report report ON report.id = line.report_id
                WHERE line.state = 'accepted' AND line.on_hand_reported
                  AND report.state IN ('processed', 'partially_rejected')
                  AND report.agreement_id IN %s AND line.product_id IN %s
             ORDER BY report.agreement_id, line.product_id, line.location_id,
                      report.date_as_of DESC, report.id DESC""",
                tuple(customer_owned.agreement_id.ids),
                tuple(customer_owned.product_id.ids),
            )
        )
        latest = {
            (agreement, product, location): (quantity, as_of)
            for agreement, product, location, quantity, as_of in self.env.cr.fetchall()
        }
        return {
            line: latest[key]
            for line in customer_owned
            if (key := (line.agreement_id.id, line.product_id.id, line.location_id.id))
            in latest
        }

    @staticmethod
    def _owned(owner, owners):
        """Whether stock of ``owner`` (a partner id, or None/False: the company's own)
        is managed stock."""
        return (owner or False) in owners

    def _partner_sites(self, lines):
        """Where ordinary deliveries to a customer's address land, for sites the
        customer owns the stock of.

        A sale order or delivery made outside VMI ships to the customer's
        generic customer location, not to our site location: it is the
        delivery address that says which site it is for. Each site is its
        delivery address's; with a single site, the customer itself is that
        site's too.

        :returns: dict ``{partner id: site id}``
        """
        partner_sites = {}
        for agreement in lines.agreement_id:
            if agreement._site_kind() != "customer_location":
                continue
            for site in agreement.location_ids:
                if site.vmi_partner_id:
                    partner_sites[site.vmi_partner_id.id] = site.id
            if len(agreement.location_ids) == 1:
                for partner in agreement.partner_id | agreement.commercial_partner_id:
                    partner_sites.setdefault(partner.id, agreement.location_ids.id)
        return partner_sites

    def _add_on_order(
        self, lines, facts, keys, products, site_tree, site_of, owners, partner_sites
    ):
        """Open incoming quantities: confirmed moves into the sites, whoever made them,
        of the agreed owners.

        Moves are counted where they arrive: a multi-step delivery counts its
        last step only. Ordinary deliveries (not VMI's) to the customer's
        address of a site count for that site. Draft transfers do not count;
        the agreement's own draft proposal is replaced by the new decision.
        Purchase orders waiting for Odoo's purchase approval have no move
        yet and count as they stand.
        """
        incoming = defaultdict(
            lambda: defaultdict(float)
        )  # (product, site) -> {owner: quantity}
        for product, source, destination, owner, quantity in self.env[
            "stock.move"
        ]._read_group(
            [
                ("product_id", "in", products.ids),
                ("state", "in", OPEN_MOVE_STATES),
                ("location_dest_id", "in", site_tree.ids),
            ],
            ["product_id", "location_id", "location_dest_id", "restrict_partner_id"],
            ["product_qty:sum"],
        ):
            site = site_of.get(destination.id)
            if site and site_of.get(source.id) != site:
                incoming[product.id, site][owner.id] += quantity
        for key, quantity in self._read_ordinary_deliveries(
            products, site_tree, partner_sites, [("state", "in", OPEN_MOVE_STATES)]
        ).items():
            incoming[key][False] += quantity
        awaiting = self.env["purchase.order.line"]._read_group(
            [
                ("product_id", "in", products.ids),
                ("order_id.vmi_agreement_id", "in", lines.agreement_id.ids),
                ("order_id.state", "=", "to approve"),
            ],
            ["order_id", "product_id", "product_uom"],
            ["product_qty:sum"],
        )
        for order, product, uom, quantity in awaiting:
            owner = (
                order.vmi_agreement_id.stock_owner_id.id
                if order.vmi_agreement_id.ownership == "consignment"
                else False
            )
            incoming[product.id, order.vmi_location_id.id][owner] += (
                uom._compute_quantity(quantity, product.uom_id, round=False)
            )
        for line in lines:
            by_owner = incoming.get(keys[line], {})
            facts[line].on_order = sum(
                quantity
                for owner, quantity in by_owner.items()
                if self._owned(owner, owners[line.agreement_id])
            )
        self._add_delivered_since_report(
            lines, facts, keys, products, site_tree, site_of, partner_sites
        )

    def _read_ordinary_deliveries(self, products, site_tree, partner_sites, domain):
        """Moves to a customer location outside the sites, whose delivery address is a
        site's.

        :returns: dict ``{(product id, site id): quantity}``
        """
        if not partner_sites:
            return {}
        quantities = defaultdict(float)
        partners = list(partner_sites)
        for product, partner, picking, quantity in self.env["stock.move"]._read_group(
            [
                *domain,
                ("product_id", "in", products.ids),
                ("location_dest_id.usage", "=", "customer"),
                ("location_dest_id", "not in", site_tree.ids),
                "|",
                ("partner_id", "in", partners),
                ("picking_id.partner_id", "in", partners),
            ],
            ["product_id", "partner_id", "picking_id"],
            ["product_qty:sum"],
        ):
            site = partner_sites.get(partner.id) or partner_sites.get(
                picking.partner_id.id
            )
            if site:
                quantities[product.id, site] += quantity
        return quantities

    def _add_delivered_since_report(
        self, lines, facts, keys, products, site_tree, site_of, partner_sites
    ):
        """Deliveries done after the customer's last report count as on order.

        The report cannot show them yet; without this, every delivery between
        two reports would be ordered again. Ordinary deliveries to a site's
        address count as VMI's do.
        """
        reported = [line for line in lines if facts[line].stock_as_of]
        if not reported:
            return
        since = min(facts[line].stock_as_of for line in reported)
        deliveries = self.env["stock.move"].search_fetch(
            [
                ("product_id", "in", products.ids),
                ("state", "=", "done"),
                ("date", ">", since),
                "|",
                ("location_dest_id", "in", site_tree.ids),
                "&",
                ("location_dest_id.usage", "=", "customer"),
                "|",
                ("partner_id", "in", list(partner_sites)),
                ("picking_id.partner_id", "in", list(partner_sites)),
            ],
            [
                "product_id",
                "location_id",
                "location_dest_id",
                "partner_id",
                "picking_id",
                "date",
                "product_qty",
            ],
        )
        delivered = defaultdict(list)  # (product, site) -> [(date, quantity)]
        for move in deliveries:
            site = site_of.get(move.location_dest_id.id)
            if not site:
                site = partner_sites.get(move.partner_id.id) or partner_sites.get(
                    move.picking_id.partner_id.id
                )
            elif site_of.get(move.location_id.id) == site:
                continue
            if site:
                delivered[move.product_id.id, site].append(
                    (move.date, move.product_qty)
                )
        for line in reported:
            facts[line].on_order += sum(
                quantity
                for date, quantity in delivered.get(keys[line], ())
                if date > facts[line].stock_as_of
            )

    def _add_committed(
        self, in_books, facts, keys, products, site_tree, site_of, owners
    ):
        """Stock promised out of the sites: confirmed moves leaving a site.

        Only for lines whose stock is in our books: a customer's report gives
        what it has, its commitments are its own. A move bound to another
        owner's stock is not a commitment of the managed stock; a move bound
        to no owner takes whatever is at the site.
        """
        committed = defaultdict(
            lambda: defaultdict(float)
        )  # (product, site) -> {owner: quantity}
        groups = self.env["stock.move"]._read_group(
            [
                ("product_id", "in", products.ids),
                ("state", "in", OPEN_MOVE_STATES),
                ("location_id", "in", site_tree.ids),
            ],
            ["product_id", "location_id", "location_dest_id", "restrict_partner_id"],
            ["product_qty:sum"],
        )
        for product, source, destination, owner, quantity in groups:
            site = site_of.get(source.id)
            if site and site_of.get(destination.id) != site:
                committed[product.id, site][owner.id] += quantity
        for line in in_books:
            by_owner = committed.get(keys[line], {})
            facts[line].committed = sum(
                quantity
                for owner, quantity in by_owner.items()
                if not owner or owner in owners[line.agreement_id]
            )

    # ------------------------------------------------------------------
    # Demand history
    # ------------------------------------------------------------------

    @api.model
    def _history_window(self, company, now):
        """The company-local days of history an evaluation at ``now`` plans on: up to
        yesterday."""
        tz = company_tz(company)
        end = local_date(now, tz) - timedelta(days=1)
        return HistoryWindow(end - timedelta(days=self._history_days() - 1), end, tz)

    def _add_demand(
        self, in_books, customer_owned, facts, keys, site_tree, site_of, owners, now
    ):
        """Daily consumption history of each line, over the days it has data for.

        A day without data is unknown, not zero. Where the stock is in our
        books, every move is seen, so the history runs from the first day
        with data (its first consumption or report, however long ago) to
        yesterday: the days between are real zeros. Where the customer owns
        the stock, only the days its reports cover are known. Days are the
        company's local days; the history ends the day before the evaluation
        so a half-day never reads as low demand.
        """
        by_company = defaultdict(list)
        for line in in_books:
            by_company[line.company_id, "in_books"].append(line)
        for line in customer_owned:
            by_company[line.company_id, "customer"].append(line)
        Line = self.env["vmi.agreement.line"]
        for (company, kind), company_lines in by_company.items():
            window = self._history_window(company, now)
            company_lines = Line.concat(*company_lines)
            if kind == "in_books":
                self._add_observed_demand(
                    company_lines, facts, keys, site_tree, site_of, owners, window
                )
            else:
                self._add_reported_demand(company_lines, facts, window)

    def _add_observed_demand(
        self, lines, facts, keys, site_tree, site_of, owners, window
    ):
        """Consumption history of lines whose stock is in our books: done moves out of
        the sites to customers, production or losses, of the agreed owners, from the
        line's first day with data."""
        consumed = self._read_daily_consumption(
            lines.product_id, site_tree, site_of, window
        )
        first_days = self._first_data_days(lines, site_tree, site_of, owners)
        dates = window.dates
        for line in lines:
            product, site = keys[line]
            series = [
                consumed[key]
                for owner in owners[line.agreement_id]
                if (key := (product, site, owner)) in consumed
            ]
            # consumption spread back over its period is data from the period's first
            # day
            first = min(
                filter(
                    None,
                    (
                        first_days.get(line),
                        *(min(days, default=None) for days in series),
                    ),
                ),
                default=None,
            )
            if first is None:
                facts[line].daily = (None,) * window.days
                continue
            start = max(first, window.start)
            daily = tuple(
                sum(days.get(day, 0.0) for days in series) if day >= start else None
                for day in dates
            )
            self._set_history(facts[line], daily, dates)

    def _read_daily_consumption(self, products, site_tree, site_of, window):
        """Quantity consumed per product, site, owner and local day of ``window``.

        Consumption a customer's report revealed (a count's shortfall, a
        sales report) carries the period it happened over and is spread over
        its days; any other consumption falls on the day it was done. Plain
        consumption is read grouped per local day: about 100,000 rows at
        10,000 lines over 30 days, read as plain values.

        :returns: dict ``{(product id, site id, owner id or False): {date: quantity}}``
        """
        MoveLine = self.env["stock.move.line"].with_context(tz=window.tz.zone)
        consumption = [
            ("product_id", "in", products.ids),
            ("state", "=", "done"),
            ("location_id", "in", site_tree.ids),
            (
                "location_dest_id",
                "in",
                self.env["stock.location"]
                .with_context(active_test=False)
                ._search([("usage", "in", CONSUMPTION_USAGES)]),
            ),
        ]
        consumed = defaultdict(lambda: defaultdict(float))
        for product, location, owner, day, quantity in read_group_rows(
            MoveLine,
            [
                *consumption,
                ("move_id.vmi_consumption_start", "=", False),
                ("date", ">=", window.utc_start),
                ("date", "<", window.utc_end),
            ],
            ["product_id", "location_id", "owner_id", "date:day"],
            ["quantity_product_uom:sum"],
        ):
            if site := site_of.get(location):
                consumed[product, site, owner or False][day.date()] += quantity
        spread = MoveLine.search_fetch(
            [
                *consumption,
                ("move_id.vmi_consumption_start", "!=", False),
                ("move_id.vmi_consumption_start", "<", window.utc_end),
                ("move_id.vmi_consumption_end", ">=", window.utc_start),
            ],
            [
                "product_id",
                "location_id",
                "owner_id",
                "quantity_product_uom",
                "move_id",
            ],
        )
        spread.move_id.fetch(["vmi_consumption_start", "vmi_consumption_end"])
        for move_line in spread:
            if site := site_of.get(move_line.location_id.id):
                days = consumed[
                    move_line.product_id.id, site, move_line.owner_id.id or False
                ]
                move = move_line.move_id
                for day, quantity in spread_over_days(
                    move_line.quantity_product_uom,
                    move.vmi_consumption_start,
                    move.vmi_consumption_end,
                    window.tz,
                ).items():
                    if window.start <= day <= window.end:
                        days[day] += quantity
        return consumed

    @staticmethod
    def _set_history(fact, daily, dates):
        """A line's consumption per day of the window, and its history: from its first
        day with data on.

        Days without data after the first stay in the history as unknown
        (None), so every day keeps its place (and its day of the week).
        """
        fact.daily = daily
        first = next(
            (index for index, value in enumerate(daily) if value is not None), None
        )
        fact.demand = daily[first:] if first is not None else ()
        fact.history_start = dates[first] if first is not None else None

    def _first_data_days(self, lines, site_tree, site_of, owners):
        """The first local day each line has data for: its first consumption of the
        agreed owners, or the first accepted report of it, however long ago.

        :returns: dict ``{line: date}``; a line with no data at all is left out
        """
        first = {}
        for product, location, owner, moment in read_group_rows(
            self.env["stock.move.line"],
            [
                ("product_id", "in", lines.product_id.ids),
                ("state", "=", "done"),
                ("location_id", "in", site_tree.ids),
                ("location_dest_id.usage", "in", CONSUMPTION_USAGES),
            ],
            ["product_id", "location_id", "owner_id"],
            ["date:min"],
        ):
            if site := site_of.get(location):
                key = (product, site, owner or False)
                first[key] = min(first.get(key, moment), moment)
        reported = self._first_reported(lines)
        zones = {company.id: company_tz(company) for company in lines.company_id}
        owners_of = {
            agreement.id: owners[agreement] for agreement in lines.agreement_id
        }
        days = {}
        for line, product, site, agreement, company in self._line_columns(lines):
            candidates = [
                local_date(first[key], zones[company])
                for owner in owners_of[agreement]
                if (key := (product, site, owner)) in first
            ]
            if line in reported:
                candidates.append(reported[line])
            if candidates:
                days[line] = min(candidates)
        return days

    def _first_reported(self, lines):
        """The first day covered by an accepted report of each line:
        ``{line: date}``."""
        self.env["vmi.stock.report"].flush_model()
        self.env["vmi.stock.report.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT report.agreement_id, line.product_id, line.location_id,
                      MIN(report.date_as_of), MIN(line.date_period_start)
                 FROM vmi_stock_report_line line
                 JOIN vmi_stock_report report ON report.id = line.report_id
                WHERE line.state = 'accepted'
                  AND report.state IN ('processed', 'partially_rejected')
                  AND NOT COALESCE(line.forecast_only, FALSE)
                  AND report.agreement_id IN %s AND line.product_id IN %s
             GROUP BY report.agreement_id, line.product_id, line.location_id""",
                tuple(lines.agreement_id.ids),
                tuple(lines.product_id.ids),
            )
        )
        first = {
            (agreement, product, site): (as_of, period_start)
            for agreement, product, site, as_of, period_start in self.env.cr.fetchall()
        }
        zones = {company.id: company_tz(company) for company in lines.company_id}
        days = {}
        for line, product, site, agreement, company in self._line_columns(lines):
            if key := first.get((agreement, product, site)):
                as_of, period_start = key
                covered = self._report_last_day(as_of, None, zones[company])
                days[line] = min(covered, period_start) if period_start else covered
        return days

    @staticmethod
    def _line_columns(lines):
        """``(line, product id, site id, agreement id, company id)`` of each line, read
        a column at a time."""
        return zip(
            lines,
            *(
                field_values(lines, name)
                for name in ("product_id", "location_id", "agreement_id", "company_id")
            ),
            strict=True,
        )

    @staticmethod
    def _report_last_day(as_of, period_end, tz):
        """The last local day a report's figures cover: its period end, else the day its
        as-of closes (a report as of midnight describes the day that just ended)."""
        return period_end or local_date(as_of - timedelta(seconds=1), tz)

    def _add_reported_demand(self, lines, facts, window):
        """Consumption history of lines whose stock the customer owns, from its accepted
        reports.

        A report line gives what was consumed over its period (from its
        period start, or its last day alone), spread evenly over the days of
        that period; a day no report covers has no data.
        """
        report_lines = self.env["vmi.stock.report.line"].search_fetch(
            [
                ("state", "=", "accepted"),
                ("forecast_only", "=", False),
                ("report_id.state", "in", ("processed", "partially_rejected")),
                ("agreement_id", "in", lines.agreement_id.ids),
                ("product_id", "in", lines.product_id.ids),
                ("report_id.date_as_of", ">=", window.utc_start),
            ],
            [
                "agreement_id",
                "product_id",
                "location_id",
                "quantity_consumed",
                "date_period_start",
                "date_period_end",
                "report_id",
            ],
        )
        covered = defaultdict(lambda: defaultdict(float))
        for report_line in report_lines:
            last = self._report_last_day(
                report_line.report_id.date_as_of, report_line.date_period_end, window.tz
            )
            first = min(report_line.date_period_start or last, last)
            period = [
                first + timedelta(days=offset)
                for offset in range((last - first).days + 1)
            ]
            days = covered[
                report_line.agreement_id.id,
                report_line.product_id.id,
                report_line.location_id.id,
            ]
            for day in period:
                if window.start <= day <= window.end:
                    days[day] += report_line.quantity_consumed / len(period)
        dates = window.dates
        for line in lines:
            days = covered.get(
                (line.agreement_id.id, line.product_id.id, line.location_id.id), {}
            )
            self._set_history(facts[line], tuple(days.get(day) for day in dates), dates)

    # ------------------------------------------------------------------
    # Lead times
    # ------------------------------------------------------------------

    def _add_delivery_days(self, lines, facts, now):
        """Where a site takes deliveries on its calendar's days only: when an order
        placed now can arrive.

        The first delivery day on or after today + lead time (and buffer),
        and the one after it, as days from today (the company's local days);
        the calendar's time off are closed days. Each calendar's days are
        read once for the whole batch.
        """
        with_calendar = lines.filtered(
            lambda line: line.location_id.vmi_delivery_calendar_id
        )
        if not with_calendar:
            return
        tz = company_tz(with_calendar.company_id[:1])
        today = local_date(now, tz)
        delivery_days = {}
        for calendar in with_calendar.location_id.vmi_delivery_calendar_id:
            start = pytz.utc.localize(day_start(today, tz))
            intervals = calendar._work_intervals_batch(
                start, start + timedelta(days=DELIVERY_HORIZON_DAYS)
            )[False]
            delivery_days[calendar] = sorted(
                {begin.astimezone(tz).date() for begin, __, __ in intervals}
            )
        for line in with_calendar:
            days = delivery_days[line.location_id.vmi_delivery_calendar_id]
            earliest = today + timedelta(
                days=ceil(facts[line].lead_time_days + line.lead_time_buffer_days)
            )
            # no delivery day in the horizon (a calendar without working days): planned
            # on the lead time alone
            facts[line].delivery_days = tuple(
                (day - today).days for day in days if day >= earliest
            )[:2]

    def _add_lead_times(self, lines, facts, keys, products, site_tree, site_of, now):
        """Lead time per line, and its variability measured on recent receipts at the
        site.

        One sample per transfer (a 50-line transfer is one delivery, not 50),
        from its confirmation, or its order's, to its validation: time a
        proposal waits for review is not lead time.
        """
        for line in lines:
            facts[line].lead_time_days, facts[line].lead_time_source = self._lead_time(
                line
            )
        receipts = self.env["stock.move"].search_fetch(
            [
                ("product_id", "in", products.ids),
                ("state", "=", "done"),
                ("location_dest_id", "in", site_tree.ids),
                ("picking_id", "!=", False),
                ("is_inventory", "=", False),
                ("date", ">=", now - timedelta(days=LEAD_TIME_SAMPLE_DAYS)),
            ],
            ["product_id", "location_id", "location_dest_id", "picking_id"],
        )
        transfers = defaultdict(set)
        for move in receipts:
            site = site_of.get(move.location_dest_id.id)
            if site and site_of.get(move.location_id.id) != site:
                transfers[move.product_id.id, site].add(move.picking_id)
        durations = {}
        for picking in set().union(*transfers.values()) if transfers else ():
            durations[picking] = (
                picking.date_done - picking._vmi_date_confirmed()
            ).total_seconds() / 86400
        for line in lines:
            observed = [durations[picking] for picking in transfers.get(keys[line], ())]
            if len(observed) >= LEAD_TIME_MIN_SAMPLES:
                facts[line].lead_time_std_days = pstdev(observed)

    def _lead_time(self, line):
        """The line's lead time in days, and where it comes from.

        The line's own lead time wins (its buffer is added by the engine); otherwise
        Odoo's: the vendor's delay and purchase lead times when we buy, the customer
        lead time and sales security lead when we ship; otherwise the agreement's order
        cycle time.
        """
        if line.lead_time_days:
            return line.lead_time_days, self.env._("set on the line")
        agreement, product, company = (
            line.agreement_id,
            line.product_id,
            line.company_id,
        )
        if agreement.role == "customer":
            seller = product.with_company(company)._select_seller(
                partner_id=agreement.commercial_partner_id
            )
            days = (
                (seller.delay if seller else 0)
                + company.po_lead
                + company.days_to_purchase
            )
            source = self.env._("vendor delay and purchase lead times")
        else:
            days = product.sale_delay + company.security_lead
            source = self.env._("customer lead time and sales security lead")
        if not days:
            return agreement.order_cycle_time_days, self.env._(
                "agreement order cycle time"
            )
        return days, source
