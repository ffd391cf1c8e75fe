{
    "name": "Vendor Managed Inventory",
    "summary": "VMI agreements, customer-site and consigned stock, scheduled "
               "replenishment and customer visibility, in the Inventory app",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "vmi_management contributors",
    "depends": ["sale_stock", "purchase_stock", "portal"],
    "data": [
        "security/vmi_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/stock_location_data.xml",
        "views/vmi_agreement_views.xml",
        "views/vmi_agreement_line_views.xml",
        "views/stock_location_views.xml",
        "views/res_partner_views.xml",
        "views/product_views.xml",
        "views/vmi_menus.xml",
    ],
    "demo": [
        "demo/vmi_demo.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "application": True,
    "installable": True,
}
