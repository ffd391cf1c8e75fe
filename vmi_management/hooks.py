from odoo.tools import SQL

from .models import stock_move_line


def uninstall_hook(env):
    """Keep the locations, products and partners that stock and sales refer to.

    Uninstalling deletes the records the module's data files created, and the
    index the module added to Odoo's move lines (``stock_move_line``). Site
    locations (and their "VMI Sites" parent) and the demo products carry
    quants and stock moves, which Odoo keeps for good, and the demo partners
    carry sale and purchase orders and invoices: detaching them from the
    module leaves that history whole, where deleting them would either fail
    on it or cascade to the site locations. Stock reports and shipment
    notices, kept as evidence, block the deletion of their agreement: they go
    first, as their tables do.
    """
    env["vmi.stock.report"].search([]).unlink()
    env["vmi.shipment.notice"].search([]).unlink()
    env["ir.model.data"].search(
        [
            ("module", "=", "vmi_management"),
            (
                "model",
                "in",
                (
                    "stock.location",
                    "product.product",
                    "product.template",
                    "res.partner",
                ),
            ),
        ]
    ).unlink()
    index = stock_move_line.CONSUMPTION_INDEX
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
