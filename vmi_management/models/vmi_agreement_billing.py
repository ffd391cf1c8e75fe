import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_is_zero

from .vmi_agreement import MANAGER_GROUP

_logger = logging.getLogger(__name__)


class VmiAgreement(models.Model):
    """Billing of consigned stock once the customer has consumed it.

    Consigned stock stays ours at the customer's site; what the customer
    consumes (a count's shortfall, or any done move from the site to the
    customer) leaves our books at that moment, to the customer's location.
    Billing turns the consumption moves not billed yet into one confirmed
    sale order, linked to those very moves (so Odoo sees them delivered and
    creates no new delivery), and its invoice. A move linked to a sale
    order line is billed: it is never billed again, whatever runs twice.
    """

    _inherit = "vmi.agreement"

    billing_frequency = fields.Selection(
        [
            ("report", "With each stock report"),
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
        ],
        default="monthly",
        required=True,
        tracking=True,
        help="When consumption of consigned stock is invoiced to the customer.",
    )
    date_last_billing = fields.Datetime(string="Last Billed", readonly=True, copy=False)
    billing_order_ids = fields.One2many(
        "sale.order", "vmi_billing_agreement_id", string="Consumption Billing"
    )

    def _consumption_location(self, product):
        """Where stock of ours that is consumed at this agreement's sites goes.

        Consigned at the customer: to the customer (consumed is sold, and billed).
        Otherwise to inventory loss, as any count shortfall.
        """
        self.ensure_one()
        if self._site_kind() == "consigned_at_customer":
            return self.partner_id.with_company(self.company_id).property_stock_customer
        return product.with_company(self.company_id).property_stock_inventory

    def _unbilled_consumption(self, until):
        """Done moves of our stock from the sites to the customer, not billed yet, up to
        ``until``."""
        self.ensure_one()
        lines = self.env["stock.move.line"].search(
            [
                ("state", "=", "done"),
                ("date", "<=", until),
                ("company_id", "=", self.company_id.id),
                ("location_id", "child_of", self.location_ids.ids),
                ("location_dest_id.usage", "=", "customer"),
                ("owner_id", "in", self._get_stock_owner_values()),
                ("move_id.sale_line_id", "=", False),
            ]
        )
        return lines.move_id

    def _bill_consumption(self, until=None):
        """Invoice the consumption of consigned stock not billed yet: one sale order and
        its invoice.

        :returns: the billing sale order, or an empty recordset when nothing was
            consumed
        """
        self.ensure_one()
        until = until or fields.Datetime.now()
        moves = self._unbilled_consumption(until)
        quantities = {}
        for move in moves:
            quantities.setdefault(move.product_id, []).append(move)
        SaleOrder = self.env["sale.order"].with_company(self.company_id)
        if not quantities:
            self.date_last_billing = until
            return SaleOrder
        since = min(moves.mapped("date"))
        order = SaleOrder.create(
            {
                "partner_id": self.commercial_partner_id.id,
                "company_id": self.company_id.id,
                "warehouse_id": self.warehouse_id.id,
                "user_id": self.user_id.id,
                "client_order_ref": self.name,
                "origin": self.env._(
                    "%(agreement)s consumption %(since)s – %(until)s",
                    agreement=self.name,
                    since=fields.Date.to_string(since),
                    until=fields.Date.to_string(until),
                ),
                "vmi_billing_agreement_id": self.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": sum(
                                move.product_qty for move in product_moves
                            ),
                            "product_uom": product.uom_id.id,
                        }
                    )
                    for product, product_moves in quantities.items()
                ],
            }
        )
        for line in order.order_line:
            line_moves = self.env["stock.move"].concat(*quantities[line.product_id])
            line_moves.sale_line_id = line
        # the goods were consumed at the site already: nothing left to deliver
        order.with_context(skip_procurement=True).action_confirm()
        to_invoice = order.order_line.filtered(
            lambda line: not float_is_zero(
                line.qty_to_invoice, precision_rounding=line.product_uom.rounding
            )
        )
        if to_invoice:
            order._create_invoices().action_post()
        self.date_last_billing = until
        self.message_post(
            body=self.env._("Consumption billed: %(order)s.", order=order.name)
        )
        return order

    def action_bill_consumption(self):
        """Bill now what the customer consumed since the last billing, and show the
        order.

        Billing confirms a sale order and posts its invoice as superuser (the
        moves billed are read across the warehouse): the rights that stand
        for those documents are checked here, before, since ``sudo`` checks
        nothing after.
        """
        self.check_access("write")
        user = self.env.user
        if not (
            user.has_group(MANAGER_GROUP)
            and user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                self.env._(
                    "Billing consumption confirms a sale order and posts its invoice: "
                    "only a VMI Manager who may also create invoices (Invoicing: "
                    "Billing) can do it."
                )
            )
        orders = self.env["sale.order"]
        for agreement in self.sudo():
            orders |= agreement._bill_consumption()
        if not orders:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("Nothing consumed since the last billing."),
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update(
            {
                "domain": [("id", "in", orders.ids)],
                "views": [(False, "list"), (False, "form")],
            }
        )
        return action

    def _billing_due(self, now):
        """Whether the weekly or monthly period the last billing fell in is over."""
        self.ensure_one()
        if not self.date_last_billing:
            return True
        today = fields.Datetime.to_datetime(now).date()
        period_start = (
            today - timedelta(days=today.weekday())
            if self.billing_frequency == "weekly"
            else today + relativedelta(day=1)
        )
        return self.date_last_billing.date() < period_start

    @api.model
    def _cron_bill_consumption(self):
        """Scheduled action: bill each consignment agreement whose billing period is
        over."""
        now = fields.Datetime.now()
        agreements = self.search(
            [("state", "!=", "draft"), ("billing_frequency", "!=", "report")]
        )
        for agreement in agreements.filtered(
            lambda agreement: agreement._site_kind() == "consigned_at_customer"
            and agreement._billing_due(now)
        ):
            try:
                with self.env.cr.savepoint():
                    agreement._bill_consumption(until=now)
            except (
                Exception
            ) as error:  # one agreement's billing problem never stops the others
                _logger.warning(
                    "VMI consumption billing of %s failed",
                    agreement.name,
                    exc_info=True,
                )
                agreement.message_post(
                    body=self.env._(
                        "Consumption could not be billed: %(error)s", error=str(error)
                    )
                )
