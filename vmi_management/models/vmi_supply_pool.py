from collections import defaultdict
from datetime import datetime

from odoo import api, fields, models

from ..engine.allocation import Claim, allocate, available_to_promise
from ..tools import field_values, read_group_rows
from .vmi_replenishment_data import OPEN_MOVE_STATES

# Where the vendor ships from its own warehouse: the proposals that draw on its stock.
SHIPPING_SITE_KINDS = ("consigned_at_customer", "customer_location")


class VmiSupplyPool(models.AbstractModel):
    """What our warehouses can commit to the VMI lines that need stock, and how a short
    supply is shared.

    A pool is one product in one shipping warehouse. Its supply is what can
    be promised today without starving a later commitment (the engine's
    :func:`~..engine.allocation.available_to_promise` over the free stock of
    the warehouse's stock location and the confirmed receipts and deliveries
    due), less what open VMI proposals not being decided now already ask of
    it, less what the open supply plan holds for lines still to be
    evaluated. Read for all pools of a batch at once, in grouped queries.
    """

    _name = "vmi.supply.pool"
    _description = "VMI Supply Pool"

    @api.model
    def _fair_share_mode(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("vmi_management.fair_share_mode", "days_of_supply")
        )

    @api.model
    def _pool_keys(self, lines):
        """The pool each line draws on, ``{line: (warehouse id, product id)}``; lines
        shipping from no warehouse of ours are left out.

        Products whose stock Odoo does not track have no pool. Each agreement
        and product is looked at once: a run asks this of all its lines.
        """
        warehouses = {
            agreement.id: agreement.warehouse_id.id
            for agreement in lines.agreement_id
            if agreement._site_kind() in SHIPPING_SITE_KINDS
        }
        if not warehouses:
            return {}
        storable = set(lines.product_id.filtered("is_storable").ids)
        return {
            line: (warehouses[agreement], product)
            for line, agreement, product in zip(
                lines,
                field_values(lines, "agreement_id"),
                field_values(lines, "product_id"),
                strict=True,
            )
            if agreement in warehouses and product in storable
        }

    @api.model
    def _claims(self, decisions):
        """The claims of the decided lines on their pools: ``{pool key: [Claim]}``; the
        key of a claim is its line.

        Empty when VMI orders are not capped by what the warehouses can ship (fair share
        "none").
        """
        claims = defaultdict(list)
        if self._fair_share_mode() == "none":
            return claims
        ordering = self.env["vmi.agreement.line"].concat(
            *(line for line, decision in decisions.items() if decision.order_qty > 0)
        )
        for line, key in self._pool_keys(ordering).items():
            decision = decisions[line]
            claims[key].append(
                Claim(
                    line,
                    decision.order_qty,
                    position=decision.position,
                    rate=decision.demand_rate,
                    tier=int(line.agreement_id.supply_priority or 0),
                    moq=line.moq or None,
                    multiple=line.pack_multiple
                    or line.product_id.uom_id.rounding
                    or None,
                    rounding=line.product_id.uom_id.rounding,
                )
            )
        return claims

    @api.model
    def _allocate(self, claims, supply):
        """Share each pool's supply among its claims: ``{line: Allotment}``."""
        mode = self._fair_share_mode()
        return {
            allotment.key: allotment
            for key, pool in claims.items()
            for allotment in allocate(supply.get(key, 0.0), pool, mode)
        }

    @api.model
    def _supply(self, keys, now, deciding=None):
        """What each pool can still give to the lines being decided:
        ``{pool key: quantity}``.

        :param keys: the pool keys ``(warehouse id, product id)``
        :param deciding: domain of the agreement lines decided now, whose own open
            proposals the decisions replace: those are not taken off the supply
            (a domain, so that a run's plan needs not hold all its lines' ids)
        """
        if not keys:
            return {}
        today = fields.Date.to_date(fields.Datetime.context_timestamp(self, now))
        on_hand, moves = self._read_warehouse_stock(keys, now)
        held = self._held_by_open_proposals(keys, deciding)
        promised = self.env["vmi.supply.allocation"]._promised(keys)
        return {
            key: max(
                available_to_promise(on_hand.get(key, 0.0), moves.get(key, ()), today)
                - held.get(key, 0.0)
                - promised.get(key, 0.0),
                0.0,
            )
            for key in keys
        }

    @api.model
    def _read_warehouse_stock(self, keys, now):
        """Free stock in each warehouse's stock location and the confirmed moves in and
        out of it.

        Stock of the company's own only (no owner, or the company's partner):
        consigned stock of others is not ours to ship. A move between two
        places inside the stock location changes nothing; one into or out of
        it counts on its scheduled day (local day of the company), overdue
        ones as due now.

        :returns: ``({key: on hand}, {key: [(date, signed quantity)]})``
        """
        warehouses = self.env["stock.warehouse"].browse(
            {warehouse for warehouse, __ in keys}
        )
        product_ids = list({product for __, product in keys})
        stocks = warehouses.lot_stock_id
        tree = stocks.with_context(active_test=False).search(
            [("id", "child_of", stocks.ids)]
        )
        warehouse_of = {}
        stock_ids = {
            warehouse.lot_stock_id.id: warehouse.id for warehouse in warehouses
        }
        for location in tree:
            ancestors = map(int, location.parent_path.strip("/").split("/"))
            warehouse_of[location.id] = next(
                stock_ids[ancestor] for ancestor in ancestors if ancestor in stock_ids
            )
        own_partners = warehouses.company_id.partner_id.ids
        on_hand = defaultdict(float)
        for location_id, product_id, owner_id, quantity in read_group_rows(
            self.env["stock.quant"].sudo(),
            [("product_id", "in", product_ids), ("location_id", "in", tree.ids)],
            ["location_id", "product_id", "owner_id"],
            ["quantity:sum"],
        ):
            if owner_id and owner_id not in own_partners:
                continue
            key = (warehouse_of[location_id], product_id)
            if key in keys:
                on_hand[key] += quantity
        moves = defaultdict(list)
        tz_now = fields.Datetime.context_timestamp(self, now)
        for source_id, destination_id, product_id, day, quantity in read_group_rows(
            self.env["stock.move"].sudo(),
            [
                ("state", "in", OPEN_MOVE_STATES),
                ("product_id", "in", product_ids),
                "|",
                ("location_id", "in", tree.ids),
                ("location_dest_id", "in", tree.ids),
            ],
            ["location_id", "location_dest_id", "product_id", "date:day"],
            ["product_qty:sum"],
        ):
            source, destination = (
                warehouse_of.get(source_id),
                warehouse_of.get(destination_id),
            )
            if source == destination:
                continue
            when = max(day.date() if isinstance(day, datetime) else day, tz_now.date())
            for warehouse, sign in ((source, -1), (destination, 1)):
                if warehouse and (warehouse, product_id) in keys:
                    moves[warehouse, product_id].append((when, sign * quantity))
        return on_hand, moves

    @api.model
    def _held_by_open_proposals(self, keys, deciding=None):
        """What open (draft) VMI proposals of lines not being decided (``deciding``, a
        domain of agreement lines) ask of each pool: ``{key: quantity}``.

        They are no commitment in Odoo's stock yet, but the vendor means to
        ship them: a line decided now must not be promised the same stock.
        """
        held = defaultdict(float)
        for model in ("sale.order", "stock.picking"):
            Document = self.env[model].sudo()
            line_field = Document._fields[Document._vmi_line_field]
            domain = [
                (
                    f"{line_field.inverse_name}.state",
                    "in",
                    list(Document._vmi_open_states),
                ),
                (f"{line_field.inverse_name}.vmi_agreement_id", "!=", False),
                # the lines of a warehouse's pool (``_pool_keys``): shipped by the
                # vendor, of products whose stock Odoo tracks
                ("vmi_line_id.agreement_id.role", "=", "vendor"),
                ("product_id", "in", list({product for __, product in keys})),
                ("product_id.is_storable", "=", True),
            ]
            if deciding is not None:
                domain.append(("vmi_line_id", "not any", deciding))
            # summed per pool by the database: a run's open proposals hold hundreds
            # of thousands of lines by its last steps
            for warehouse, product, quantity in read_group_rows(
                self.env[line_field.comodel_name].sudo(),
                domain,
                ["vmi_warehouse_id", "product_id"],
                [f"{Document._vmi_qty_field}:sum"],
            ):
                if (warehouse, product) in keys:
                    held[warehouse, product] += quantity
        return held
