from collections import defaultdict

from odoo import fields, models

from ..tools import read_group_rows


class StockWarehouseOrderpoint(models.Model):
    """The vendor's own replenishment sees what its VMI customers need.

    A reordering rule of a warehouse's stock location counts, as demand in
    its forecast, what the VMI agreements shipping from that warehouse need
    of the product and is not a stock move yet: their open draft proposals,
    and what a short warehouse could not allocate to them. Purchases and
    manufacturing of the warehouse then follow the customers' consumption,
    not only the orders already confirmed.
    """

    _inherit = "stock.warehouse.orderpoint"

    vmi_demand_qty = fields.Float(
        string="VMI Demand", compute="_compute_vmi_demand_qty", digits="Product Unit of Measure",
        help="What VMI customers need of this product from this warehouse that is not a stock move yet: open "
             "draft VMI proposals, and what the warehouse was too short to allocate. The forecast counts it.")

    def _compute_vmi_demand_qty(self):
        demand = self._vmi_demand()
        for orderpoint in self:
            orderpoint.vmi_demand_qty = demand.get(orderpoint.id, 0.0)

    def _quantity_in_progress(self):
        """What is on its way, less the VMI demand: the one quantity Odoo adds to both the forecast and the
        quantity to order of a rule."""
        quantities = super()._quantity_in_progress()
        for orderpoint_id, demand in self._vmi_demand().items():
            quantities[orderpoint_id] -= demand
        return quantities

    def _vmi_demand(self):
        """``{orderpoint id: VMI demand}`` of the rules at their warehouse's stock location."""
        rules = self.filtered(lambda rule: rule.warehouse_id and rule.location_id == rule.warehouse_id.lot_stock_id)
        if not rules or not self.env["vmi.agreement"].sudo().search_count([("state", "in", ("pilot", "active"))],
                                                                           limit=1):
            return {}
        keys = {(rule.warehouse_id.id, rule.product_id.id) for rule in rules}
        Pool = self.env["vmi.supply.pool"]
        demand = defaultdict(float, Pool._held_by_open_proposals(keys, self.env["vmi.agreement.line"]))
        unallocated = read_group_rows(
            self.env["vmi.agreement.line"].sudo(),
            [("product_id", "in", list({product for __, product in keys})), ("last_unallocated_qty", ">", 0),
             ("agreement_id.state", "in", ("pilot", "active"))],
            ["agreement_id", "product_id"], ["last_unallocated_qty:sum"])
        agreements = self.env["vmi.agreement"].sudo().browse({agreement for agreement, __, __ in unallocated})
        warehouse_of = {agreement.id: agreement.warehouse_id.id for agreement in agreements}
        for agreement_id, product_id, quantity in unallocated:
            key = (warehouse_of[agreement_id], product_id)
            if key in keys:
                demand[key] += quantity
        return {rule.id: demand[rule.warehouse_id.id, rule.product_id.id] for rule in rules
                if demand[rule.warehouse_id.id, rule.product_id.id]}
