from collections import defaultdict
from datetime import timedelta
from math import inf

from odoo import Command, api, fields, models
from odoo.tools import SQL, split_every

from ..engine.allocation import largest_order
from ..tools import field_values, in_engine_language
from . import vmi_replenishment
from .vmi_supply_pool import SHIPPING_SITE_KINDS

PLAN_MAX_AGE = timedelta(
    days=1
)  # a plan still open after this (intake kept agreements due) is replaced
PLAN_LOCK = 7_711_842_001  # advisory lock: one worker at a time makes a run's plan


class VmiSupplyPlan(models.Model):
    """How the stock of our warehouses is shared among all the agreements due in one
    scheduled run.

    The scheduler evaluates agreements batch by batch, each batch in its own
    transaction; shared batch by batch, the first batches would take all of
    a short product and the last ones nothing, whatever their priority. So,
    before its first batch, a run decides every due line once (without
    writing anything), sums the needs per product and shipping warehouse,
    and where they exceed what the warehouse can promise, allocates it by
    priority tier and fair share (the engine's
    :func:`~..engine.allocation.allocate`). The allotments are kept here;
    each batch caps its lines' orders by them. Pools with enough stock get
    no allotment: their lines order what they need.
    """

    _name = "vmi.supply.plan"
    _description = "VMI Supply Plan"
    _order = "date desc, id desc"

    date = fields.Datetime(required=True, readonly=True, index=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    allocation_ids = fields.One2many(
        "vmi.supply.allocation", "plan_id", string="Allocations", readonly=True
    )
    ample_pools = fields.Json(
        readonly=True,
        help="The pools, [warehouse id, product id], whose supply covered the largest "
        "order every due line could place when the plan was made: the run's steps "
        "leave their lines' orders as decided.",
    )

    @api.depends("date")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Supply plan of %(date)s", date=fields.Datetime.to_string(plan.date)
            )

    @api.model
    def _current(self, now):
        """The open plan of the scheduled run under way, made now when there is none (or
        it is too old).

        While another worker makes one (its transaction holds the lock), none: that
        worker's batches use its plan, this one's share what is left, as an evaluation
        outside a plan does.
        """
        plan = self.search([("state", "=", "open")], order="date desc", limit=1)
        if plan and plan.date >= now - PLAN_MAX_AGE:
            return plan
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", PLAN_LOCK))
        if not self.env.cr.fetchone()[0]:
            return self.browse()
        return self.sudo()._make(now)

    @api.model
    def _open_ample_pools(self):
        """The pools the open plan found ample: ``{(warehouse id, product id)}``.

        No line due in the run can make them short, so the run's steps need
        not read what such a pool can still give (which, with every proposal
        the run has made so far, grows with the run).
        """
        plan = self.search([("state", "=", "open")], order="date desc", limit=1)
        return {tuple(key) for key in plan.ample_pools or ()}

    def _in_steps(self, line_ids):
        """The lines of ``line_ids`` a step's worth at a time, each step's records
        dropped from the cache before the next."""
        Line = self.env["vmi.agreement.line"]
        for ids in split_every(vmi_replenishment.STEP_LINES, line_ids):
            yield Line.browse(ids)
            Line.invalidate_model()

    def _close(self):
        """The run is over: its allotments not used by now are released."""
        self.allocation_ids.filtered(
            lambda allocation: allocation.state == "open"
        ).state = "released"
        self.state = "done"

    @api.model
    @in_engine_language
    def _make(self, now):
        """Allocate the pools the due lines may make short, deciding those lines once.

        A pool whose supply covers the largest order each of its due lines
        could place (their thresholds bound it; a days-of-supply line has no
        such bound) cannot be short: its lines are not decided here, which
        spares the run a second pass over most lines when stock is ample.
        """
        Replenishment = self.env["vmi.replenishment"]
        Pool = self.env["vmi.supply.pool"]
        Replenishment._flush_due_condition()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM vmi_agreement WHERE %s ORDER BY id",
                Replenishment._due_condition(now),
            )
        )
        due = self.env["vmi.agreement"].browse(row[0] for row in self.env.cr.fetchall())
        due = due.filtered(
            lambda agreement: agreement._site_kind() in SHIPPING_SITE_KINDS
        )
        Line = self.env["vmi.agreement.line"]
        deciding = Replenishment._evaluable_lines_domain(due)
        # lines are read a step at a time, keeping only sums per pool: a run of half a
        # million lines never holds them all
        largest = defaultdict(float)
        thresholds = (
            "policy",
            "max_qty",
            "reorder_point",
            "order_qty",
            "moq",
            "pack_multiple",
        )
        for lines in self._in_steps(Line.search(deciding).ids):
            # only what is needed here, not every column of the lines
            lines.fetch(["agreement_id", "product_id", *thresholds])
            keys = Pool._pool_keys(lines)
            lines = Line.concat(*keys)
            for key, *bounds in zip(
                keys.values(),
                *(field_values(lines, name) for name in thresholds),
                strict=True,
            ):
                bound = largest_order(*bounds)
                largest[key] += inf if bound is None else bound
        supply = Pool._supply(set(largest), now, deciding)
        short = {key for key, most in largest.items() if most > supply.get(key, 0.0)}
        candidates = Line.search(
            deciding + [("product_id", "in", list({product for __, product in short}))]
        ).ids
        claims = defaultdict(list)
        for lines in self._in_steps(candidates):
            lines = Line.concat(
                *(line for line, key in Pool._pool_keys(lines).items() if key in short)
            )
            # an agreement that cannot be decided claims nothing here; its step logs
            # why
            results, __ = Replenishment._apply_by_agreement(
                lines.agreement_id,
                lambda part, lines=lines: Replenishment._decide(part, now, lines)[0],
            )
            for decided in results:
                for key, pool_claims in Pool._claims(decided).items():
                    claims[key] += pool_claims
        self.search([("state", "=", "open")])._close()
        allotments = Pool._allocate(claims, supply)
        return self.create(
            {
                "date": now,
                "ample_pools": [list(key) for key in largest if key not in short],
                "allocation_ids": [
                    Command.create(
                        self.env["vmi.supply.allocation"]._prepare_allocation_vals(
                            allotment
                        )
                    )
                    for allotment in allotments.values()
                    if allotment.note
                ],
            }
        )
