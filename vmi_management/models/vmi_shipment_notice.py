from datetime import timedelta

from odoo import api, fields, models

from ..intake import Shipment, ShipmentLine, build_edifact_desadv, build_x12_856


class VmiShipmentNotice(models.Model):
    """An advance shipping notice (ASN) sent to the customer when VMI stock leaves for
    its site.

    Created when a VMI delivery or consignment transfer is validated: the
    customer gets an email with the notice as an X12 856 and an EDIFACT
    DESADV, can download both (portal, HTTP API), and can acknowledge receipt.
    """

    _name = "vmi.shipment.notice"
    _description = "VMI Advance Shipping Notice"
    _inherit = ["mail.thread"]
    _order = "date_shipped desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True)
    picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, readonly=True, index=True, check_company=True
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="agreement_id.commercial_partner_id", store=True, index=True
    )
    location_id = fields.Many2one(
        "stock.location", string="Site", readonly=True, check_company=True
    )
    order_ref = fields.Char(string="Order Reference", readonly=True)
    date_shipped = fields.Datetime(string="Shipped", required=True, readonly=True)
    date_expected = fields.Datetime(string="Expected", readonly=True)
    state = fields.Selection(
        [("sent", "Sent"), ("acknowledged", "Receipt Acknowledged")],
        default="sent",
        required=True,
        tracking=True,
    )
    date_acknowledged = fields.Datetime(string="Acknowledged", readonly=True)
    acknowledged_by_id = fields.Many2one(
        "res.users", string="Acknowledged By", readonly=True
    )
    control_number = fields.Integer(
        readonly=True,
        copy=False,
        help="Interchange control number of the EDI documents.",
    )
    x12_attachment_id = fields.Many2one(
        "ir.attachment", string="X12 856", readonly=True
    )
    edifact_attachment_id = fields.Many2one(
        "ir.attachment", string="EDIFACT DESADV", readonly=True
    )

    _sql_constraints = [
        (
            "picking_unique",
            "UNIQUE(picking_id)",
            "A transfer has one advance shipping notice.",
        ),
    ]

    @api.model
    def _create_for_pickings(self, pickings):
        """Create, document and send one notice per validated VMI shipment in
        ``pickings``."""
        sequence = self.env["ir.sequence"].sudo()
        notices = self.sudo().create(
            [
                {
                    "name": picking.name,
                    "picking_id": picking.id,
                    "agreement_id": picking._vmi_shipment_agreement().id,
                    "location_id": picking._vmi_shipment_site()[:1].id,
                    "order_ref": picking.sale_id.client_order_ref
                    or picking.sale_id.name
                    or picking.origin
                    or "",
                    "date_shipped": picking.date_done,
                    "date_expected": self._expected_arrival(picking),
                    "control_number": int(
                        sequence.next_by_code("vmi.shipment.notice.control")
                    ),
                }
                for picking in pickings
            ]
        )
        for notice in notices:
            notice._attach_documents()
            notice._send()
        return notices

    @api.model
    def _expected_arrival(self, picking):
        """When a shipment validated now should reach the customer's site.

        Shipped plus the longest lead time of the agreement lines it delivers
        (``vmi.replenishment.data._lead_time``: the line's own, else Odoo's
        delays, else the agreement's order cycle time): the transfer's own
        dates say when it leaves, not when it arrives.
        """
        agreement = picking._vmi_shipment_agreement()
        sites = picking._vmi_shipment_site()
        lines = agreement.line_ids.filtered(
            lambda line: line.product_id in picking.move_ids.product_id
            and line.location_id in sites
        )
        resolver = self.env["vmi.replenishment.data"]
        days = max(
            (resolver._lead_time(line)[0] for line in lines),
            default=agreement.order_cycle_time_days,
        )
        return picking.date_done + timedelta(days=days)

    def _prepare_shipment(self):
        """The notice as the EDI writers expect it."""
        self.ensure_one()
        agreement, picking = self.agreement_id, self.picking_id
        codes = {
            (line.product_id, line.location_id): line.customer_product_code or ""
            for line in agreement.line_ids
        }
        company, customer = (
            agreement.company_id.partner_id,
            agreement.commercial_partner_id,
        )
        site_partner = self.location_id.vmi_partner_id or picking.partner_id or customer
        return Shipment(
            number=self.name,
            date_shipped=self.date_shipped,
            date_expected=self.date_expected,
            order_ref=self.order_ref or "",
            sender_id=company.ref or company.vat or str(company.id),
            sender_name=company.name,
            receiver_id=customer.ref or customer.vat or str(customer.id),
            receiver_name=customer.name,
            ship_to_code=self.location_id.barcode or self.location_id.name or "",
            ship_to_name=site_partner.name or "",
            control_number=self.control_number,
            lines=[
                ShipmentLine(
                    product_code=move.product_id.default_code
                    or move.product_id.barcode
                    or str(move.product_id.id),
                    customer_code=codes.get((move.product_id, self.location_id), ""),
                    description=move.product_id.name,
                    quantity=move.quantity,
                    uom="EA"
                    if move.product_uom == self.env.ref("uom.product_uom_unit")
                    else move.product_uom.name,
                    lot=", ".join(move.move_line_ids.lot_id.mapped("name")),
                )
                for move in picking.move_ids
                if move.state == "done" and move.quantity
            ],
        )

    def _attach_documents(self):
        self.ensure_one()
        shipment = self._prepare_shipment()
        safe_name = self.name.replace("/", "-")
        Attachment = self.env["ir.attachment"].sudo()
        self.x12_attachment_id, self.edifact_attachment_id = Attachment.create(
            [
                {
                    "name": f"ASN-{safe_name}.x12",
                    "raw": build_x12_856(shipment).encode(),
                    "mimetype": "text/plain",
                    "res_model": self._name,
                    "res_id": self.id,
                },
                {
                    "name": f"ASN-{safe_name}.edi",
                    "raw": build_edifact_desadv(shipment).encode(),
                    "mimetype": "text/plain",
                    "res_model": self._name,
                    "res_id": self.id,
                },
            ]
        )

    def _send(self):
        """Email the notice to the customer with both documents, and keep it on the
        notice's thread."""
        self.ensure_one()
        template = self.env.ref("vmi_management.mail_template_vmi_shipment_notice")
        recipients = self.picking_id.partner_id | self.agreement_id.partner_id
        self.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipients.ids,
            attachment_ids=(self.x12_attachment_id | self.edifact_attachment_id).ids,
        )

    def _document(self, edi_format):
        """The attachment of one EDI format: ``x12`` or ``edifact``."""
        self.ensure_one()
        return {"x12": self.x12_attachment_id, "edifact": self.edifact_attachment_id}[
            edi_format
        ]

    def action_acknowledge(self):
        """The customer confirms the shipment arrived."""
        self.filtered(lambda notice: notice.state == "sent").write(
            {
                "state": "acknowledged",
                "date_acknowledged": fields.Datetime.now(),
                "acknowledged_by_id": self.env.user.id,
            }
        )
        return True

    def action_download(self):
        self.ensure_one()
        attachment = self._document(self.env.context.get("edi_format", "x12"))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _api_values(self):
        """What the HTTP API shows of a notice."""
        self.ensure_one()
        return {
            "id": self.id,
            "number": self.name,
            "agreement": self.agreement_id.name,
            "site": self.location_id.name,
            "order_ref": self.order_ref,
            "shipped": fields.Datetime.to_string(self.date_shipped),
            "expected": fields.Datetime.to_string(self.date_expected),
            "state": self.state,
            "lines": [
                {
                    "product": line.product_code,
                    "customer_code": line.customer_code,
                    "quantity": line.quantity,
                    "uom": line.uom,
                }
                for line in self._prepare_shipment().lines
            ],
        }
