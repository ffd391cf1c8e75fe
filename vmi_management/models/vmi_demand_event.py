from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import Event


class VmiDemandEvent(models.Model):
    """A promotion or other planned event that changes demand at a customer's sites for
    a while.

    Planned as a stream of its own on top of the baseline forecast: its
    uplift is added on its days, and its days are left out of the history
    the baseline learns from afterwards, so it is never counted twice.
    The vendor enters events in the back office; the customer, in the
    portal.
    """

    _name = "vmi.demand.event"
    _description = "VMI Demand Event"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, help="What happens, as both parties call it: 'Spring promotion'."
    )
    agreement_id = fields.Many2one(
        "vmi.agreement",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)
    commercial_partner_id = fields.Many2one(
        related="agreement_id.commercial_partner_id", store=True, string="Customer"
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        help="The product concerned; empty: every product of the category, or of the "
        "agreement.",
    )
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        help="Every product of this category (and its sub-categories).",
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Site",
        check_company=True,
        domain="[('id', 'in', agreement_location_ids)]",
        help="The site concerned; empty: every site of the agreement.",
    )
    agreement_location_ids = fields.Many2many(related="agreement_id.location_ids")
    date_start = fields.Date(string="From", required=True)
    date_end = fields.Date(
        string="To", required=True, help="The event's last day, included."
    )
    uplift_type = fields.Selection(
        [("factor", "Factor on demand"), ("quantity", "Extra quantity")],
        required=True,
        default="factor",
        help="Factor: each day's demand is multiplied (1.5 = half as much again, 0 = "
        "none, as in a shutdown).\nExtra quantity: this much more is consumed over the "
        "whole event, spread evenly over its days, per line concerned.",
    )
    uplift_factor = fields.Float(string="Factor", default=1.0, digits=(16, 2))
    uplift_qty = fields.Float(
        string="Extra Quantity",
        digits="Product Unit of Measure",
        help="In the product's unit, over the whole event and per site.",
    )
    source = fields.Selection(
        [("vendor", "Vendor"), ("customer", "Customer")],
        required=True,
        default="vendor",
        readonly=True,
        help="Who entered it: the customer enters events in the portal.",
    )
    note = fields.Text()
    active = fields.Boolean(default=True)

    @api.constrains(
        "date_start",
        "date_end",
        "uplift_type",
        "uplift_factor",
        "uplift_qty",
        "product_id",
    )
    def _check_uplift(self):
        for event in self:
            if event.date_end < event.date_start:
                raise ValidationError(
                    self.env._(
                        "Event %(event)s ends (%(end)s) before it starts (%(start)s): "
                        "its last day is on or after its first.",
                        event=event.name,
                        end=event.date_end,
                        start=event.date_start,
                    )
                )
            if event.uplift_type == "factor" and event.uplift_factor < 0:
                raise ValidationError(
                    self.env._(
                        "Event %(event)s: a factor on demand is 0 or more (1.5: half "
                        "as much again; 0: no demand).",
                        event=event.name,
                    )
                )
            if event.uplift_type == "quantity" and not event.product_id:
                raise ValidationError(
                    self.env._(
                        "Event %(event)s adds an extra quantity: choose its product, "
                        "since a quantity is in one product's unit (or use a factor "
                        "for a whole category).",
                        event=event.name,
                    )
                )
            if event.uplift_type == "quantity" and event.uplift_qty <= 0:
                raise ValidationError(
                    self.env._(
                        "Event %(event)s adds an extra quantity: enter how much more "
                        "is expected (above zero).",
                        event=event.name,
                    )
                )

    def _concerns(self, line):
        """Whether this event changes the demand of agreement line ``line``."""
        self.ensure_one()
        product = line.product_id
        return (
            self.agreement_id == line.agreement_id
            and (not self.product_id or self.product_id == product)
            and (
                not self.product_categ_id
                or product.categ_id.parent_path.startswith(
                    self.product_categ_id.parent_path
                )
            )
            and (not self.location_id or self.location_id == line.location_id)
        )

    def _to_engine(self, today):
        """The engine's :class:`~..engine.Event`, its days counted from ``today`` (the
        decision day)."""
        self.ensure_one()
        return Event(
            name=self.name,
            start=(self.date_start - today).days,
            end=(self.date_end - today).days,
            factor=self.uplift_factor if self.uplift_type == "factor" else 1.0,
            quantity=self.uplift_qty if self.uplift_type == "quantity" else 0.0,
        )
