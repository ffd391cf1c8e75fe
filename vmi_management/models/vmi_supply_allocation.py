from collections import defaultdict

from odoo import api, fields, models

from ..engine.allocation import Allotment


class VmiSupplyAllocation(models.Model):
    """One line's share of a short product in a shipping warehouse, as a supply plan
    decided it.

    Open until the line's batch is evaluated, which caps the line's order by
    it (``applied``); until then, what it holds is not available to lines
    outside the plan. ``released`` when the run ended without using it.
    """

    _name = "vmi.supply.allocation"
    _description = "VMI Supply Allocation"
    _order = "plan_id desc, short_qty desc, id"

    plan_id = fields.Many2one(
        "vmi.supply.plan", required=True, readonly=True, ondelete="cascade", index=True
    )
    line_id = fields.Many2one(
        "vmi.agreement.line",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    agreement_id = fields.Many2one(related="line_id.agreement_id", store=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    product_id = fields.Many2one(related="line_id.product_id", store=True)
    location_id = fields.Many2one(related="line_id.location_id", string="Site")
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    supply_priority = fields.Integer(string="Priority Tier", readonly=True)
    need_qty = fields.Float(
        string="Needed", readonly=True, digits="Product Unit of Measure"
    )
    allotted_qty = fields.Float(
        string="Allocated", readonly=True, digits="Product Unit of Measure"
    )
    short_qty = fields.Float(
        string="Short", readonly=True, digits="Product Unit of Measure"
    )
    supply_qty = fields.Float(
        string="Available in Warehouse",
        readonly=True,
        digits="Product Unit of Measure",
        help="What the warehouse could promise to all the lines of this product in the "
        "run.",
    )
    demand_qty = fields.Float(
        string="Needed by All",
        readonly=True,
        digits="Product Unit of Measure",
        help="What all the lines of this product shipped from this warehouse needed.",
    )
    note = fields.Char(string="Why", readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("applied", "Applied"), ("released", "Released")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )

    @api.model
    def _prepare_allocation_vals(self, allotment):
        line = allotment.key
        return {
            "line_id": line.id,
            "warehouse_id": line.agreement_id.warehouse_id.id,
            "supply_priority": allotment.tier,
            "need_qty": allotment.need,
            "allotted_qty": allotment.allotted,
            "short_qty": allotment.short,
            "supply_qty": allotment.supply,
            "demand_qty": allotment.demand,
            "note": allotment.note,
        }

    @api.model
    def _open_for(self, lines):
        """The open allocations of these lines: ``{line: allocation}``."""
        allocations = self.search(
            [("line_id", "in", lines.ids), ("state", "=", "open")]
        )
        return {allocation.line_id: allocation for allocation in allocations}

    @api.model
    def _promised(self, keys):
        """What the open allocations hold in each pool:
        ``{(warehouse id, product id): quantity}``."""
        promised = defaultdict(float)
        for warehouse, product, quantity in self._read_group(
            [
                ("state", "=", "open"),
                ("product_id", "in", list({product for __, product in keys})),
            ],
            ["warehouse_id", "product_id"],
            ["allotted_qty:sum"],
        ):
            promised[warehouse.id, product.id] += quantity
        return promised

    def _allotment(self, need):
        """This allocation as the engine's allotment for a line that needs ``need`` now.

        The line orders what it needs up to what it was allotted. The plan's
        reason stays in the explanation when it cut the order or served the
        line in full from a short pool; a line that now needs less than its
        share is simply not short.
        """
        self.ensure_one()
        cut = need > self.allotted_qty
        note = self.note if cut or self.allotted_qty >= self.need_qty else ""
        return Allotment(
            self.line_id,
            need,
            min(need, self.allotted_qty),
            self.supply_priority,
            self.supply_qty,
            self.demand_qty,
            note,
            ("supply_short",) if cut else (),
        )
