from odoo import fields, models


class VmiReplayMixin(models.AbstractModel):
    """The figures of recent demand replayed under the current and the suggested
    thresholds, side by side: what a threshold suggestion and a pilot simulation both
    show."""

    _name = "vmi.replay.mixin"
    _description = "VMI Replay Figures"

    current_fill_rate = fields.Float(
        string="Fill Rate Now (%)", readonly=True, digits=(16, 1)
    )
    suggested_fill_rate = fields.Float(
        string="Fill Rate Suggested (%)", readonly=True, digits=(16, 1)
    )
    current_average_stock = fields.Float(
        string="Average Stock Now", readonly=True, digits=(16, 1)
    )
    suggested_average_stock = fields.Float(
        string="Average Stock Suggested", readonly=True, digits=(16, 1)
    )
    current_orders = fields.Integer(string="Orders Now", readonly=True)
    suggested_orders = fields.Integer(string="Orders Suggested", readonly=True)
    current_stockout_days = fields.Integer(string="Stockout Days Now", readonly=True)
    suggested_stockout_days = fields.Integer(
        string="Stockout Days Suggested", readonly=True
    )

    def _prepare_replay_vals(self, results):
        """Field values from engine ``SimulationResult`` pairs ``(current, suggested)``,
        summed over lines (the fill rate over all of their demand)."""
        vals = {}
        for key, index in (("current", 0), ("suggested", 1)):
            replayed = [pair[index] for pair in results]
            demanded = sum(result.demanded for result in replayed)
            vals.update(
                {
                    f"{key}_fill_rate": 100.0
                    * sum(result.served for result in replayed)
                    / demanded
                    if demanded
                    else 0.0,
                    f"{key}_average_stock": sum(
                        result.average_on_hand for result in replayed
                    ),
                    f"{key}_orders": sum(result.orders for result in replayed),
                    f"{key}_stockout_days": sum(
                        result.stockout_days for result in replayed
                    ),
                }
            )
        return vals
