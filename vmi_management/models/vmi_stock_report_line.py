from collections import defaultdict, namedtuple

from odoo import api, fields, models
from odoo.tools import SQL, float_compare, float_is_zero

from ..tools import company_tz, day_end, day_start, format_quantity, unnest_columns

# Several candidate product identifiers of one parsed line (buyer's, vendor's, GTIN) are
# kept in one field.
CODE_SEPARATOR = " / "

# The quantities of a line, converted together from the unit sent to the product's.
QUANTITY_FIELDS = ("quantity_on_hand", "quantity_consumed", "quantity_forecast")

# What the line checks read of each line (``_read_check_facts``).
CheckFact = namedtuple(
    "CheckFact", "id product_id location_id on_hand_reported ref forecast_period"
)

# The columns a received line is inserted with, and their PostgreSQL types (see
# ``_insert_received``).
RECEIVED_COLUMNS = {
    "report_id": "int4",
    "sequence": "int4",
    "company_id": "int4",
    "agreement_id": "int4",
    "source_ref": "varchar",
    "product_code": "varchar",
    "location_code": "varchar",
    "uom_code": "varchar",
    "uom_id": "int4",
    "product_id": "int4",
    "location_id": "int4",
    "on_hand_reported": "bool",
    "quantity_on_hand": "float8",
    "quantity_consumed": "float8",
    "quantity_forecast": "float8",
    "date_period_start": "date",
    "date_period_end": "date",
    "date_forecast_start": "date",
    "date_forecast_end": "date",
    "forecast_only": "bool",
    "state": "varchar",
    "rejection_reason": "varchar",
}


class VmiStockReportLine(models.Model):
    """One product at one site in a customer's stock report, and whether it was
    accepted.

    A line keeps the codes exactly as the customer sent them, so a rejected
    line can be corrected and sent again; ``product_id`` and ``location_id``
    are what they resolved to.
    """

    _name = "vmi.stock.report.line"
    _description = "VMI Stock Report Line"
    _order = "report_id, sequence, id"
    _check_company_auto = True

    report_id = fields.Many2one(
        "vmi.stock.report", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="report_id.company_id", store=True, index=True)
    agreement_id = fields.Many2one(
        related="report_id.agreement_id", store=True, index=True
    )
    source_ref = fields.Char(
        string="Source Position", help="Where the line is in the document sent."
    )
    product_code = fields.Char(string="Product Code Sent")
    location_code = fields.Char(string="Location Code Sent")
    uom_code = fields.Char(string="Unit Sent")
    uom_id = fields.Many2one(
        "uom.uom",
        string="Resolved Unit",
        compute="_compute_uom_id",
        store=True,
        precompute=True,
        help="The unit the quantities were sent in, as we understood the unit sent "
        "(the product's unit when none was sent). The quantities of the line are "
        "converted to the product's unit.",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Product Unit")
    product_id = fields.Many2one("product.product", index=True, check_company=True)
    location_id = fields.Many2one(
        "stock.location", string="Site Location", index=True, check_company=True
    )
    on_hand_reported = fields.Boolean(
        string="Count Reported",
        default=True,
        help="The line carries an on-hand count. Sales-only lines (an X12 852 QS "
        "activity, an EDIFACT SLSRPT) report consumption and leave the stock level as "
        "it was.",
    )
    quantity_on_hand = fields.Float(string="On Hand", digits="Product Unit of Measure")
    quantity_consumed = fields.Float(
        string="Consumed",
        digits="Product Unit of Measure",
        help="Quantity consumed or sold over the report period.",
    )
    quantity_forecast = fields.Float(
        string="Forecast",
        digits="Product Unit of Measure",
        help="The customer's expected consumption over the forecast period.",
    )
    date_forecast_start = fields.Date(
        string="Forecast From",
        help="First day the forecast covers; empty: the day after the report's day.",
    )
    date_forecast_end = fields.Date(
        string="Forecast To",
        help="Last day the forecast covers; empty: a week from its first day.",
    )
    forecast_only = fields.Boolean(
        help="The line carries a forecast alone (an X12 830, an EDIFACT DELFOR, or a "
        "row with only a forecast): it says nothing of stock or consumption."
    )
    quantity_difference = fields.Float(
        string="Count Difference",
        digits="Product Unit of Measure",
        readonly=True,
        help="Counted minus the managed stock in our books at the site; a shortfall is "
        "consumption.",
    )
    date_period_start = fields.Date(
        string="Period Start",
        help="First day of the consumption period; it ends on the period end or, "
        "when none is given, on the report's as-of day.",
    )
    date_period_end = fields.Date(string="Period End")
    state = fields.Selection(
        [("accepted", "Accepted"), ("rejected", "Rejected")],
        default="accepted",
        required=True,
    )
    rejection_reason = fields.Char()
    application_note = fields.Char(
        string="Note",
        readonly=True,
        help="What applying an accepted line could not do, such as taking sales beyond "
        "the stock held at the site.",
    )

    @api.depends("product_id")
    def _compute_uom_id(self):
        """Lines typed in the back office are in the product's unit; received lines are
        stored with the unit their code resolved to (``_resolve_codes``), which a later
        change of the product's unit leaves alone."""
        for line in self:
            line.uom_id = line.product_id.uom_id

    def _reject(self, reason):
        self.write({"state": "rejected", "rejection_reason": reason})

    # ------------------------------------------------------------------
    # Matching codes, on the values of a whole report before they are created
    # ------------------------------------------------------------------

    @api.model
    def _resolve_codes(self, agreement, vals_list):
        """Resolve the product, site and unit codes sent into the agreement's products,
        sites and our units, in place, and convert the quantities to the product's unit.

        A product is found by the customer's own code on an agreement line,
        our internal reference, or its barcode; a site by its barcode, its
        name, its full name or its delivery address's name, whatever the case
        and spacing (or alone, when the agreement has a single site); a unit as
        ``_units_by_code`` says. Working on the values before they are
        created keeps a 100,000-line report to one product query, two small
        unit queries and one insert.
        """
        products = self._products_by_code(
            agreement,
            {
                code
                for vals in vals_list
                for code in (vals.get("product_code") or "").split(CODE_SEPARATOR)
                if code
            },
        )
        sites = {
            self._site_key(key): site
            for site in agreement.location_ids
            for key in (
                site.barcode,
                site.vmi_partner_id.name,
                site.name,
                site.complete_name,
            )
            if key
        }
        site_names = ", ".join(agreement.location_ids.mapped("name")) or "-"
        units = self._units_by_code(agreement)
        for vals in vals_list:
            if vals.get("state") == "rejected":
                continue
            codes = (vals.get("product_code") or "").split(CODE_SEPARATOR)
            product = next((products[code] for code in codes if code in products), None)
            location_code = vals.get("location_code") or ""
            site = (
                sites.get(self._site_key(location_code))
                if location_code
                else (
                    agreement.location_ids if len(agreement.location_ids) == 1 else None
                )
            )
            if not product:
                reason = self.env._(
                    "Unknown product code %(code)s: it is not a product managed under "
                    "agreement %(agreement)s (by your code on the agreement, our "
                    "internal reference or barcode).",
                    code=vals.get("product_code"),
                    agreement=agreement.name,
                )
            elif not site and location_code:
                reason = self.env._(
                    "Unknown location %(code)s: the sites of agreement %(agreement)s "
                    "are %(sites)s.",
                    code=location_code,
                    agreement=agreement.name,
                    sites=site_names,
                )
            elif not site:
                reason = self.env._(
                    "No location given, and agreement %(agreement)s has several sites "
                    "(%(sites)s): say which.",
                    agreement=agreement.name,
                    sites=site_names,
                )
            else:
                vals.update(product_id=product.id, location_id=site.id)
                reason = self._convert_to_product_unit(vals, product, units, agreement)
                if not reason:
                    continue
            vals.update(state="rejected", rejection_reason=reason)
        return vals_list

    @staticmethod
    def _site_key(text):
        """A site name as it is matched: case and runs of spaces do not matter
        ("main  clinic ")."""
        return " ".join(text.split()).casefold()

    @api.model
    def _insert_received(self, report, vals_list):
        """Store the lines of a received document in one statement, and return them.

        The ORM creates records one by one in Python, several seconds per
        10,000 lines; a customer's EDI feed sends 100,000. These lines have
        no computed field but the company and agreement of their report, set
        here, and their products and sites come from ``_resolve_codes``,
        which only finds the agreement's company's (or shared) products and
        the agreement's own sites.

        :param vals_list: values as ``_prepare_line_vals`` and ``_resolve_codes`` give
            them
        """
        report.ensure_one()
        if not vals_list:
            return self.browse()
        shared = {
            "report_id": report.id,
            "company_id": report.company_id.id,
            "agreement_id": report.agreement_id.id,
        }
        optional_text = (
            "product_code",
            "location_code",
            "uom_code",
            "source_ref",
            "rejection_reason",
        )
        columns = {
            name: (
                kind,
                [
                    shared[name]
                    if name in shared
                    else (vals.get(name) or None)
                    if name in optional_text
                    else vals.get(name)
                    for vals in vals_list
                ],
            )
            for name, kind in RECEIVED_COLUMNS.items()
        }
        names, arrays = unnest_columns(columns)
        report.flush_recordset()
        self.env.cr.execute(
            SQL(
                """INSERT INTO vmi_stock_report_line
                       (%s, create_uid, write_uid, create_date, write_date)
               SELECT received.*, %s, %s,
                      now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM unnest(%s) AS received
            RETURNING id""",
                names,
                self.env.uid,
                self.env.uid,
                arrays,
            )
        )
        lines = self.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        report.invalidate_recordset(["line_ids"])
        return lines

    def _units_by_code(self, agreement):
        """Our unit for each unit code ``agreement``'s customer may send, keyed in upper
        case.

        The agreement's own codes win over the defaults (codes without an
        agreement), which win over the names of our units: "kg" or a unit
        named "Case of 12" needs no code. Two small reads serve a whole report.
        """
        units = {
            uom.name.strip().upper(): uom
            for uom in self.env["uom.uom"].search_fetch(
                [], ["name", "category_id", "factor"]
            )
        }
        mappings = self.env["vmi.uom.code"].search_fetch(
            [("agreement_id", "in", [False, agreement.id])],
            ["code", "uom_id", "agreement_id"],
        )
        for mapping in mappings.sorted(lambda mapping: bool(mapping.agreement_id)):
            units[mapping.code.strip().upper()] = mapping.uom_id
        return units

    def _convert_to_product_unit(self, vals, product, units, agreement):
        """Set the unit of the values of one line and convert their quantities to
        ``product``'s unit, in place.

        No unit sent means the product's unit. The quantities are converted
        unrounded, so that a count in cases adds up to the units counted. A
        line rejected here keeps its quantities as sent and no unit: a line
        with a unit has its quantities in the product's unit.

        :param units: our unit of each upper-case code (``_units_by_code``)
        :returns: why the line cannot be accepted in the unit sent, or None
        """
        code = (vals.get("uom_code") or "").strip()
        target = product.uom_id
        unit = units.get(code.upper()) if code else target
        if not unit:
            return self.env._(
                "Unit %(code)s is not known: map it to one of our units on agreement "
                "%(agreement)s (Units tab), or send quantities in %(unit)s.",
                code=code,
                agreement=agreement.name,
                unit=target.name,
            )
        if unit.category_id != target.category_id:
            # the label is made outside the call: the translation extractor cannot read
            # an f-string in it
            sent = (
                unit.name
                if code.upper() == unit.name.upper()
                else f"{code} ({unit.name})"
            )
            return self.env._(
                "Unit %(unit)s cannot be converted to %(target)s, the unit of "
                "%(product)s.",
                unit=sent,
                target=target.name,
                product=product.display_name,
            )
        vals["uom_id"] = unit.id
        if unit != target:
            for name in QUANTITY_FIELDS:
                if vals.get(name):
                    vals[name] = unit._compute_quantity(vals[name], target, round=False)
        return None

    def _complete_from_codes(self, agreement):
        """Fill the product or site of typed-in lines from the codes given, as for
        received documents.

        Typed-in quantities are in the product's unit, which ``_resolve_codes`` sets
        when no unit is sent.
        """
        lines = self.filtered(lambda line: line.product_code or line.location_code)
        if not lines:
            return
        vals_list = self._resolve_codes(
            agreement,
            [
                {
                    "product_code": line.product_code or line.product_id.default_code,
                    "location_code": line.location_code
                    or line.location_id.barcode
                    or line.location_id.name,
                }
                for line in lines
            ],
        )
        for line, vals in zip(lines, vals_list, strict=False):
            line.write(vals)

    def _products_by_code(self, agreement, codes):
        """The agreement's products each of ``codes`` names: by the customer's code on
        an agreement line, our internal reference or barcode.

        Only the agreement's own products are found: a code of any other
        product of ours is unknown, so that the answer to a report never
        names (nor confirms) a product the partner does not manage with us.
        """
        by_code = {
            agreement_line.customer_product_code: agreement_line.product_id
            for agreement_line in agreement.line_ids
            if agreement_line.customer_product_code
        }
        ours = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search_fetch(
                [
                    "|",
                    ("default_code", "in", list(codes)),
                    ("barcode", "in", list(codes)),
                    ("id", "in", agreement.line_ids.product_id.ids),
                ],
                ["default_code", "barcode", "uom_id"],
            )
        )
        for product in ours:
            for code in (product.default_code, product.barcode):
                if code:
                    by_code.setdefault(code, product)
        return by_code

    # ------------------------------------------------------------------
    # Checks that need the resolved product and site
    # ------------------------------------------------------------------

    def _check_lines(self, report):
        """Reject, among these lines of ``report``, incomplete lines, lines the
        agreement does not manage, duplicates, counts older than one applied, and counts
        of lot-tracked stock in our books.

        The checks run on plain rows read in one query and the rejections are
        written per reason, so a 100,000-line report costs a handful of
        queries rather than a pass of the ORM per check.
        """
        agreement = report.agreement_id
        facts = self._read_check_facts()
        incomplete = self.browse(
            fact.id for fact in facts if not (fact.product_id and fact.location_id)
        )
        if incomplete:
            incomplete._complete_from_codes(agreement)
            facts = self._read_check_facts()
        Product, Location = self.env["product.product"], self.env["stock.location"]
        managed = set(
            agreement.line_ids.mapped(
                lambda line: (line.product_id.id, line.location_id.id)
            )
        )
        reasons, by_key = {}, defaultdict(list)
        for fact in facts:
            key = (fact.product_id, fact.location_id)
            if not all(key):
                reasons[fact.id] = self.env._(
                    "Say which product and which site this line is for."
                )
            elif key not in managed:
                reasons[fact.id] = self.env._(
                    "%(product)s is not managed at %(site)s under agreement "
                    "%(agreement)s.",
                    product=Product.browse(fact.product_id).display_name,
                    site=Location.browse(fact.location_id).name,
                    agreement=agreement.name,
                )
            else:
                # a forecast document sends a line per product, site and period: each
                # period is its own line
                period = tuple(fact.forecast_period) if fact.forecast_period else None
                by_key[(*key, period)].append(fact)
        counted = []
        for (product, site, __), same in by_key.items():
            if len(same) == 1:
                counted += [fact for fact in same if fact.on_hand_reported]
                continue
            reason = self.env._(
                "%(product)s at %(site)s appears more than once in this report "
                "(%(refs)s): send one line per product and site (and, for forecasts "
                "alone, per period).",
                product=Product.browse(product).display_name,
                site=Location.browse(site).name,
                refs=", ".join(fact.ref for fact in same),
            )
            reasons.update((fact.id, reason) for fact in same)
        # A count older than one applied would turn the stock back; consumption of any
        # period still counts.
        applied = (
            report._latest_applied_count(
                {fact.product_id for fact in counted},
                {fact.location_id for fact in counted},
            )
            if counted
            else {}
        )
        tracked = (
            set()
            if agreement._site_kind() == "customer_location"
            else set(
                Product.search(
                    [
                        ("id", "in", [fact.product_id for fact in counted]),
                        ("tracking", "!=", "none"),
                    ]
                ).ids
            )
        )
        for fact in counted:
            as_of, name = applied.get((fact.product_id, fact.location_id), (None, None))
            if as_of and as_of > report.date_as_of:
                reasons[fact.id] = self.env._(
                    "A newer count (%(name)s) has already been applied for this "
                    "product and site; this one is kept but not applied.",
                    name=name,
                )
            elif fact.product_id in tracked:
                reasons[fact.id] = self.env._(
                    "%(product)s is tracked by lots or serial numbers: count it per "
                    "lot in Inventory › Physical Inventory.",
                    product=Product.browse(fact.product_id).display_name,
                )
        by_reason = defaultdict(list)
        for line_id, reason in reasons.items():
            by_reason[reason].append(line_id)
        for reason, line_ids in by_reason.items():
            self.browse(line_ids)._reject(reason)

    def _read_check_facts(self):
        """What the checks need of each line still accepted, as :class:`CheckFact` rows,
        in document order."""
        self.flush_model(
            [
                "product_id",
                "location_id",
                "on_hand_reported",
                "source_ref",
                "sequence",
                "state",
                "forecast_only",
                "date_forecast_start",
                "date_forecast_end",
            ]
        )
        self.env.cr.execute(
            SQL(
                """SELECT id, product_id, location_id, on_hand_reported,
                      COALESCE(source_ref, sequence::varchar) AS ref,
                      CASE WHEN forecast_only
                           THEN ARRAY[date_forecast_start, date_forecast_end] END
                 FROM vmi_stock_report_line
                WHERE id = ANY(%s) AND state = 'accepted'
             ORDER BY sequence, id""",
                self.ids,
            )
        )
        return [CheckFact(*row) for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Applying counts to stock in our books
    # ------------------------------------------------------------------

    def _apply(self):
        """Bring the managed stock at each site in line with what the customer reported,
        where it is in our books.

        Only for agreements whose managed stock is in our books (consignment
        at the customer, or a site in our warehouse): where the customer owns
        the stock, accepted lines are the data the scheduler reads and nothing
        else changes. A count is compared with the stock as it was at the
        report's as-of (today's, less what arrived since, plus what left
        since), and the difference adjusts today's quants, carrying the
        agreed owner; a shortfall leaves the site as consumption over the
        days since the previous count, which the demand history then sees.
        On consignment at the customer, a sales-only line is consumption of
        what it says was sold, billed as a count shortfall is. A line with
        both a count and sales is governed by its count, whose difference
        already holds the sales.
        """
        if not self:
            return
        agreement = self.agreement_id.ensure_one()
        report = self.report_id.ensure_one()
        counted = self.filtered("on_hand_reported")
        sold = (
            self.browse()
            if agreement._site_kind() != "consigned_at_customer"
            else (self - counted).filtered(
                lambda line: float_compare(
                    line.quantity_consumed,
                    0.0,
                    precision_rounding=line.product_id.uom_id.rounding,
                )
                > 0
            )
        )
        if not (counted or sold):
            return
        held = (counted | sold)._read_held_stock(agreement)
        arrived, previous = {}, {}
        if counted:
            arrived = counted._read_arrived_since(agreement, report.date_as_of)
            previous = report._latest_applied_count(
                counted.product_id.ids, counted.location_id.ids
            )
        tz = company_tz(agreement.company_id)
        move_vals = []
        for line in counted | sold:
            key = (line.product_id.id, line.location_id.id)
            holdings = held.get(key, [])
            if line.on_hand_reported:
                held_then = sum(
                    quantity for __, __, quantity in holdings
                ) - arrived.get(key, 0.0)
                difference = line.quantity_on_hand - held_then
                line.quantity_difference = difference
            elif line.product_id.tracking != "none":
                line.application_note = self.env._(
                    "%(product)s is tracked by lots or serial numbers: these sales are "
                    "kept but not taken from the stock; record their consumption per "
                    "lot in Inventory.",
                    product=line.product_id.display_name,
                )
                continue
            else:
                difference = -line.quantity_consumed
            rounding = line.product_id.uom_id.rounding
            if float_is_zero(difference, precision_rounding=rounding):
                continue
            period = line._consumption_period(tz, previous.get(key, (None,))[0])
            vals_list, missing = line._prepare_count_move_vals(
                agreement, difference, holdings, period
            )
            move_vals += vals_list
            if not float_is_zero(missing, precision_rounding=rounding):
                line.application_note = self.env._(
                    "%(missing)s of the %(consumed)s consumed could not be taken: only "
                    "%(held)s is held at %(site)s in our books.",
                    missing=format_quantity(missing),
                    consumed=format_quantity(-difference),
                    held=format_quantity(-difference - missing),
                    site=line.location_id.name,
                )
        if move_vals:
            self.env["stock.move"].sudo().with_context(inventory_mode=False).create(
                move_vals
            )._action_done()

    def _consumption_period(self, tz, previous_count=None):
        """When the consumption this line reveals happened, as naive UTC
        ``(start, end)``.

        A count's consumption happened since the previous count
        (``previous_count``, its as-of), else since the start of the
        line's period, up to the count's as-of. Sales cover the local days
        of their period; they end at the report's as-of when no period end
        was sent. Without any start, the period is the moment it ends.
        """
        self.ensure_one()
        as_of = self.report_id.date_as_of
        end = (
            day_end(self.date_period_end, tz)
            if self.date_period_end and not self.on_hand_reported
            else as_of
        )
        start = previous_count or (
            day_start(self.date_period_start, tz) if self.date_period_start else end
        )
        return min(start, end), end

    def _read_held_stock(self, agreement):
        """Managed quants under each line's site, largest first:
        ``{(product, site): [(location, owner, qty)]}``."""
        sites = {site.id for site in self.location_id}
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", self.product_id.ids),
                    ("location_id", "child_of", list(sites)),
                    ("owner_id", "in", agreement._get_stock_owner_values()),
                    ("company_id", "=", agreement.company_id.id),
                ],
                ["product_id", "location_id", "owner_id"],
                ["quantity:sum"],
            )
        )
        held = defaultdict(list)
        for product, location, owner, quantity in groups:
            held[product.id, _site_of(location, sites)].append(
                (location, owner, quantity)
            )
        for holdings in held.values():
            holdings.sort(key=lambda holding: -holding[2])
        return held

    def _read_arrived_since(self, agreement, as_of):
        """Managed stock that arrived at each line's site after ``as_of``, less what
        left it: ``{(product, site): quantity}``, in one grouped query for all the
        lines.

        Done move lines of the agreed owners count; a move between two
        locations of one site neither arrives nor leaves. The adjustments a
        report made are done when it was applied but describe the stock at
        its as-of: those of reports as of ``as_of`` or earlier are already in
        the stock at ``as_of``.
        """
        sites = {site.id for site in self.location_id}
        groups = (
            self.env["stock.move.line"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", self.product_id.ids),
                    ("state", "=", "done"),
                    ("date", ">", as_of),
                    ("owner_id", "in", agreement._get_stock_owner_values()),
                    ("company_id", "=", agreement.company_id.id),
                    "|",
                    ("location_id", "child_of", list(sites)),
                    ("location_dest_id", "child_of", list(sites)),
                    "|",
                    ("move_id.vmi_stock_report_id", "=", False),
                    ("move_id.vmi_stock_report_id.date_as_of", ">", as_of),
                ],
                ["product_id", "location_id", "location_dest_id"],
                ["quantity_product_uom:sum"],
            )
        )
        arrived = defaultdict(float)
        for product, source, destination, quantity in groups:
            left, reached = _site_of(source, sites), _site_of(destination, sites)
            if left == reached:
                continue
            if reached:
                arrived[product.id, reached] += quantity
            if left:
                arrived[product.id, left] -= quantity
        return arrived

    def _prepare_count_move_vals(self, agreement, difference, holdings, period):
        """Inventory moves that bring the managed stock at this line's site to the
        count, or take its sales.

        An excess arrives at the site itself, owned as the agreement says; a
        shortfall is taken from the quants holding the stock, largest first,
        to where consumed stock goes (see ``vmi.agreement._consumption_location``),
        and carries the ``period`` its consumption happened over.

        :param period: ``(start, end)`` of the consumption, naive UTC
        :returns: ``(move values, quantity of the shortfall that no quant held)``
        """
        self.ensure_one()
        owner = (
            agreement.stock_owner_id
            if agreement.stock_owner_id != agreement.company_id.partner_id
            else self.env["res.partner"]
        )
        if difference > 0:
            found_at = self.product_id.with_company(
                agreement.company_id
            ).property_stock_inventory
            return [
                self._prepare_inventory_move_vals(
                    agreement, owner, difference, found_at, self.location_id
                )
            ], 0.0
        consumed_to = agreement._consumption_location(self.product_id)
        start, end = period
        vals_list, missing = [], -difference
        for location, holder, quantity in holdings:
            taken = min(quantity, missing)
            if taken > 0:
                vals_list.append(
                    {
                        **self._prepare_inventory_move_vals(
                            agreement, holder, taken, location, consumed_to
                        ),
                        "vmi_consumption_start": start,
                        "vmi_consumption_end": end,
                    }
                )
                missing -= taken
        return vals_list, missing

    def _prepare_inventory_move_vals(
        self, agreement, owner, quantity, source, destination
    ):
        quant = self.env["stock.quant"].new(
            {
                "product_id": self.product_id.id,
                "location_id": self.location_id.id,
                "owner_id": owner.id,
                "company_id": agreement.company_id.id,
            }
        )
        name = (
            self.env._("VMI count %(report)s", report=self.report_id.name)
            if self.on_hand_reported
            else self.env._("VMI sales %(report)s", report=self.report_id.name)
        )
        return {
            **quant.with_context(inventory_name=name)._get_inventory_move_values(
                quantity, source, destination
            ),
            "vmi_stock_report_id": self.report_id.id,
        }


def _site_of(location, sites):
    """The one of ``sites`` (ids) that ``location`` is in, itself included, or None."""
    return next(
        (
            int(ancestor)
            for ancestor in location.parent_path.strip("/").split("/")
            if int(ancestor) in sites
        ),
        None,
    )
