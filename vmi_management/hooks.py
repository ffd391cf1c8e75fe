def uninstall_hook(env):
    """Keep the locations and products that stock history refers to.

    Uninstalling deletes the records the module's data files created. Site
    locations (and their "VMI Sites" parent) and the demo products carry
    quants and stock moves, which Odoo keeps for good: detaching them from the
    module leaves the stock history whole, where deleting them would either
    fail on the moves or cascade to the site locations.
    """
    env["ir.model.data"].search([
        ("module", "=", "vmi_management"),
        ("model", "in", ("stock.location", "product.product", "product.template")),
    ]).unlink()
