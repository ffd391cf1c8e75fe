from collections import defaultdict
from datetime import timedelta
from math import ceil

from odoo import api, models

from ..engine.allocation import apply_allotment
from ..engine.loads import LoadLine, apply_load, build_load
from ..engine.overrides import keep_override
from ..tools import company_tz, day_start, local_date


class VmiReplenishment(models.AbstractModel):
    """After the engine has decided each line alone: what the lines' shipping warehouse
    can give them, what planners changed on the proposals, what each site's delivery
    must weigh or be worth, and when it arrives.

    Each stage takes and returns ``{line: Decision}``; a decision it changes
    ends with the stage as its last step, so the explanation reads in the
    order the quantities were made.
    """

    _inherit = "vmi.replenishment"

    def _allocate_supply(self, decisions, now, ample=frozenset()):
        """Cap the orders of lines whose shipping warehouse is short:
        ``{line: Decision}``.

        A line the open supply plan allocated gets its allotment. The others
        share what their warehouse can still promise, less what the plan
        holds for its lines, by priority tier and fair share. A pool with
        enough stock leaves its lines' decisions as they are.

        :param ample: pool keys known to have enough stock for every line
            deciding on them (the scheduled run's plan found them so): their
            lines' decisions are left as they are without reading the pools
        """
        Allocation = self.env["vmi.supply.allocation"].sudo()
        Pool = self.env["vmi.supply.pool"]
        planned = Allocation._open_for(
            self.env["vmi.agreement.line"].concat(*decisions)
        )
        claims = Pool._claims(
            {
                line: decision
                for line, decision in decisions.items()
                if line not in planned
            }
        )
        for key in claims.keys() & ample:
            del claims[key]
        deciding = self.env["vmi.agreement.line"].concat(*decisions)
        allotments = Pool._allocate(
            claims, Pool._supply(set(claims), now, [("id", "in", deciding.ids)])
        )
        for line, allocation in planned.items():
            allotments[line] = allocation._allotment(decisions[line].order_qty)
        Allocation.concat(*planned.values()).state = "applied"
        return {
            line: apply_allotment(decision, allotments[line])
            if line in allotments
            else decision
            for line, decision in decisions.items()
        }

    @api.model
    def _keep_planner_overrides(self, decisions, open_proposals):
        """Keep the quantities planners put on open proposals while the need stays
        within tolerance.

        :returns: ``{line: Decision}``, those of overridden lines saying whether the
            planner's quantity stands
        """
        planner_quantities = {}
        for proposal in open_proposals.values():
            planner_quantities.update(proposal._vmi_planner_quantities())
        if not planner_quantities:
            return decisions
        return {
            line: keep_override(
                decision,
                *planner_quantities[line],
                line.agreement_id.override_tolerance / 100.0,
                rounding=line.product_id.uom_id.rounding,
            )
            if line in planner_quantities
            else decision
            for line, decision in decisions.items()
        }

    @api.model
    def _build_loads(self, decisions, facts, now):
        """Bring each site's delivery within its agreement's load limits:
        ``{line: Decision}``.

        A unit is worth what the proposal values it at (sales price on a sale
        order, cost on a transfer or a purchase order), weighs and takes the
        product's weight and volume, and the pallet places its pallet
        packaging says. A line pulled forward may not grow past its capacity,
        nor past what its shipping warehouse has left once the batch's
        orders (and the supply plan's allotments) are served.
        """
        deciding = self.env["vmi.agreement.line"].concat(*decisions)
        limited = deciding.agreement_id.filtered(
            lambda agreement: agreement._load_limits()
        )
        if not limited:
            return decisions
        by_site = defaultdict(list)
        for line in decisions:
            if line.agreement_id in limited:
                by_site[line.agreement_id, line.location_id].append(line)
        Pool = self.env["vmi.supply.pool"]
        keys = Pool._pool_keys(deciding)
        left = Pool._supply(
            {
                keys[line]
                for lines in by_site.values()
                for line in lines
                if line in keys
            },
            now,
            [("id", "in", deciding.ids)],
        )
        for line, decision in decisions.items():
            if (key := keys.get(line)) in left:
                left[key] -= decision.order_qty
        decisions = dict(decisions)
        for (agreement, __), lines in by_site.items():
            Proposal = self._proposal_model(agreement)
            load = []
            for line in lines:
                decision, product = decisions[line], line.product_id
                room = (
                    (line.capacity - facts[line].on_hand - facts[line].on_order)
                    if line.capacity
                    else None
                )
                if line in keys:
                    most = decision.order_qty + max(left[keys[line]], 0.0)
                    room = most if room is None else min(room, most)
                load.append(
                    LoadLine(
                        line,
                        decision.order_qty,
                        position=decision.position,
                        rate=decision.demand_rate,
                        target=decision.target_level,
                        value=Proposal._vmi_unit_value(product),
                        weight=product.weight,
                        volume=product.volume,
                        pallets=agreement._pallets_per_unit(product),
                        moq=line.moq or None,
                        multiple=line.pack_multiple or None,
                        room=room,
                        rounding=product.uom_id.rounding,
                    )
                )
            quantities, notes, held = build_load(load, agreement._load_limits())
            for line in lines:
                if line in keys:
                    left[keys[line]] -= quantities[line] - decisions[line].order_qty
                if held and not decisions[line].order_qty:
                    continue
                decisions[line] = apply_load(
                    decisions[line], quantities[line], notes.get(line, ""), held
                )
        return decisions

    @api.model
    def _delivery_dates(self, decisions, facts, now):
        """When the proposal of each site with delivery days is expected:
        ``{(agreement, site): UTC datetime}``.

        The first delivery day all its ordered lines can make: the latest of
        their next delivery days, at the start of that local day.
        """
        offsets = defaultdict(int)
        for line, decision in decisions.items():
            if decision.order_qty > 0 and facts[line].delivery_days:
                key = line.agreement_id, line.location_id
                offsets[key] = max(offsets[key], facts[line].delivery_days[0])
        dates = {}
        for (agreement, site), offset in offsets.items():
            tz = company_tz(agreement.company_id)
            dates[agreement, site] = day_start(
                local_date(now, tz) + timedelta(days=offset), tz
            )
        return dates

    @api.model
    def _delivery_reviews(self, decisions, facts, now):
        """When each agreement must be reviewed again to make its sites' delivery after
        next: ``{agreement: datetime}``.

        A line planned to last until the delivery after next is replenished
        for it by an order placed its lead time before that day: the review
        comes back then at the latest (the start of that local day, never
        before tomorrow), whatever the review frequency says.
        """
        reviews = {}
        for line, _decision in decisions.items():
            delivery_days = facts[line].delivery_days
            if len(delivery_days) < 2:
                continue
            agreement = line.agreement_id
            tz = company_tz(agreement.company_id)
            lead = ceil(facts[line].lead_time_days + line.lead_time_buffer_days)
            day = local_date(now, tz) + timedelta(days=max(delivery_days[1] - lead, 1))
            moment = day_start(day, tz)
            reviews[agreement] = min(reviews.get(agreement, moment), moment)
        return reviews
