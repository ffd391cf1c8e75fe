# Part of vmi_management. See LICENSE file for full copyright and licensing details.
"""Vendor Managed Inventory for Odoo 18.

Python imports this file before ``vmi_management.engine``. The engine must stay
usable without Odoo (``python -m vmi_management.engine`` from the repository
root), so the Odoo layer is only imported when Odoo itself loads the addon, which
it always does as ``odoo.addons.vmi_management``. Importing the package under
any other name (the engine CLI, the engine tests) never touches Odoo, even on a
machine where Odoo is installed.
"""

if __name__.startswith("odoo.addons."):
    from . import controllers, models, report, wizard  # noqa: F401
    from .hooks import uninstall_hook  # noqa: F401
