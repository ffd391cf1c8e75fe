from collections import defaultdict

from odoo import api, fields, models

from ..tools import read_group_rows


class StockWarehouseOrderpoint(models.Model):
    """The vendor's own replenishment sees what its VMI customers need.

    A reordering rule of a warehouse's stock location counts, as demand in
    its forecast, what the VMI agreements shipping from that warehouse need
    of the product and is not a stock move yet: their open draft proposals,
    and what a short warehouse could not allocate to them. Purchases and
    manufacturing of the warehouse then follow the customers' consumption,
    not only the orders already confirmed. The replenishment report lists
    the products only VMI customers need, too.
    """

    _inherit = "stock.warehouse.orderpoint"

    vmi_demand_qty = fields.Float(
        string="VMI Demand",
        compute="_compute_vmi_demand_qty",
        digits="Product Unit of Measure",
        help="What VMI customers need of this product from this warehouse that is not "
        "a stock move yet: open draft VMI proposals, and what the warehouse was too "
        "short to allocate. The forecast counts it.",
    )

    def _compute_vmi_demand_qty(self):
        demand = self._vmi_demand()
        for orderpoint in self:
            orderpoint.vmi_demand_qty = demand.get(orderpoint.id, 0.0)

    def _quantity_in_progress(self):
        """What is on its way, less the VMI demand: the one quantity Odoo adds to both
        the forecast and the quantity to order of a rule."""
        quantities = super()._quantity_in_progress()
        for orderpoint_id, demand in self._vmi_demand().items():
            quantities[orderpoint_id] -= demand
        return quantities

    def _vmi_demand(self):
        """``{orderpoint id: VMI demand}`` of the rules at their warehouse's stock
        location."""
        rules = self.filtered(
            lambda rule: rule.warehouse_id
            and rule.location_id == rule.warehouse_id.lot_stock_id
        )
        if not rules:
            return {}
        demand = self._vmi_demand_by_pool(
            {(rule.warehouse_id.id, rule.product_id.id) for rule in rules}
        )
        return {
            rule.id: demand[rule.warehouse_id.id, rule.product_id.id]
            for rule in rules
            if demand.get((rule.warehouse_id.id, rule.product_id.id))
        }

    @api.model
    def _vmi_demand_by_pool(self, keys=None):
        """VMI demand not yet a stock move, per ``(warehouse id, product id)``: open
        draft proposals and what short warehouses could not allocate, of running
        agreements. ``keys``: only these; None: all."""
        if (
            not self.env["vmi.agreement"]
            .sudo()
            .search_count([("state", "in", ("pilot", "active"))], limit=1)
        ):
            return {}
        Pool = self.env["vmi.supply.pool"]
        line_domain = [
            ("last_unallocated_qty", ">", 0),
            ("agreement_id.state", "in", ("pilot", "active")),
        ]
        if keys is None:
            lines = (
                self.env["vmi.agreement.line"]
                .sudo()
                .search([("agreement_id.state", "in", ("pilot", "active"))])
            )
            keys = set(Pool._pool_keys(lines).values())
        demand = defaultdict(float, Pool._held_by_open_proposals(keys))
        unallocated = read_group_rows(
            self.env["vmi.agreement.line"].sudo(),
            [
                ("product_id", "in", list({product for __, product in keys})),
                *line_domain,
            ],
            ["agreement_id", "product_id"],
            ["last_unallocated_qty:sum"],
        )
        agreements = (
            self.env["vmi.agreement"]
            .sudo()
            .browse({agreement for agreement, __, __ in unallocated})
        )
        warehouse_of = {
            agreement.id: agreement.warehouse_id.id for agreement in agreements
        }
        for agreement_id, product_id, quantity in unallocated:
            key = (warehouse_of[agreement_id], product_id)
            if key in keys:
                demand[key] += quantity
        return demand

    @api.model
    def _get_orderpoint_action(self):
        """The replenishment report also lists what only VMI customers need: a manual
        rule is made at the warehouse's stock location for each product whose VMI demand
        exceeds what the warehouse can promise."""
        action = super()._get_orderpoint_action()
        demand = {
            key: quantity
            for key, quantity in self._vmi_demand_by_pool().items()
            if quantity > 0
        }
        if not demand:
            return action
        supply = self.env["vmi.supply.pool"]._supply(set(demand), fields.Datetime.now())
        warehouses = self.env["stock.warehouse"].browse(
            {warehouse for warehouse, __ in demand}
        )
        stock_of = {
            warehouse.id: warehouse.lot_stock_id.id
            for warehouse in warehouses
            if warehouse.company_id in self.env.companies
        }
        missing = {
            (warehouse, product)
            for (warehouse, product), quantity in demand.items()
            if warehouse in stock_of
            and quantity > supply.get((warehouse, product), 0.0)
        }
        existing = self.with_context(active_test=False).search_fetch(
            [
                ("product_id", "in", [product for __, product in missing]),
                ("location_id", "in", list(stock_of.values())),
            ],
            ["product_id", "location_id"],
        )
        have = {(rule.location_id.id, rule.product_id.id) for rule in existing}
        self.create(
            [
                {
                    **self._get_orderpoint_values(product, stock_of[warehouse]),
                    "warehouse_id": warehouse,
                    "company_id": self.env["stock.warehouse"]
                    .browse(warehouse)
                    .company_id.id,
                }
                for warehouse, product in sorted(missing)
                if (stock_of[warehouse], product) not in have
            ]
        )
        return action
