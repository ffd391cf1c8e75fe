from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    vmi_fair_share_mode = fields.Selection(
        [
            ("days_of_supply", "Same days of supply"),
            ("fraction", "Same share of the need"),
            ("none", "Do not cap: order what each line needs"),
        ],
        string="VMI Fair Share",
        default="days_of_supply",
        config_parameter="vmi_management.fair_share_mode",
        help="How a short warehouse is shared among VMI lines of one supply priority: "
        "so that every line's stock lasts the same number of days, or so that every "
        "line gets the same share of its need. Do not cap: orders are proposed "
        "whatever the warehouse holds (it makes or buys to order).",
    )
    vmi_history_days = fields.Integer(
        string="VMI Demand History (Days)",
        default=90,
        config_parameter="vmi_management.history_days",
        help="How many days of consumption each evaluation forecasts from. A yearly "
        "season is seen from 392 days (a year and four weeks) with the weekly pattern "
        "method, and from two years with the automatic one; a longer history makes "
        "every evaluation read more.",
    )
    vmi_suggestion_min_days = fields.Integer(
        string="VMI Suggestion Minimum History (Days)",
        default=28,
        config_parameter="vmi_management.suggestion_min_days",
        help="Threshold suggestions are made only for lines whose history has at least "
        "this many covered days (days with data, not out of stock); 0: no minimum.",
    )
