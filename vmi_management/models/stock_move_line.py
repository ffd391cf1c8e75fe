from odoo import models
from odoo.tools import create_index

# Dropped by the uninstall hook: it is on a table of Odoo's own.
CONSUMPTION_INDEX = "stock_move_line_vmi_site_history_index"


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def init(self):
        """Index the done move lines by location: every evaluation reads the history
        of its sites (consumption per day, first day with data), and Odoo indexes
        move lines by product, not by location. Without it each step of a run reads
        the whole table, all sites' history, to keep its own sites' rows."""
        result = super().init()
        create_index(
            self.env.cr,
            CONSUMPTION_INDEX,
            self._table,
            ["location_id", "product_id", "date"],
            where="state = 'done'",
        )
        return result
