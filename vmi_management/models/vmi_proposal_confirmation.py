from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.confirmation import within_tolerance
from ..tools import format_quantity
from .vmi_agreement import MANAGER_GROUP

CONFIRMATION_STATES = [
    ("waiting", "Waiting for the customer"),
    ("confirmed", "Confirmed by the customer"),
    ("review", "Customer's changes to review"),
    ("lapsed", "Accepted at the deadline"),
]
REMINDER_BEFORE = timedelta(hours=24)


class VmiProposalLineMixin(models.AbstractModel):
    _inherit = "vmi.proposal.line.mixin"

    vmi_requested_qty = fields.Float(
        string="Customer Asks",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="The quantity the customer asked for, beyond the agreed tolerance: it "
        "waits for the vendor's review.",
    )


class VmiProposalMixin(models.AbstractModel):
    """Co-managed inventory: where the agreement says so, a proposal waits for the
    customer's answer.

    The customer accepts it, or changes quantities, in the portal or through
    the API. Changes within the agreement's tolerance are applied and the
    proposal goes ahead (confirmed, or to a VMI Manager above the approval
    threshold); a change beyond it waits for the vendor's review. Without an
    answer by the deadline, the proposal is accepted as proposed, or left
    to the vendor, as the agreement says; the customer is reminded a day
    before. The scheduler leaves a proposal the customer answered as it is.
    """

    _inherit = "vmi.proposal.mixin"

    vmi_confirmation_state = fields.Selection(
        CONFIRMATION_STATES,
        string="Customer Confirmation",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    vmi_confirmation_deadline = fields.Datetime(
        string="Confirm By", readonly=True, copy=False
    )
    vmi_confirmation_reminded = fields.Boolean(readonly=True, copy=False)

    def _vmi_answered(self):
        """Whether the customer (or its deadline) has answered: the scheduler no longer
        changes it."""
        self.ensure_one()
        return self.vmi_confirmation_state in ("confirmed", "review", "lapsed")

    def _vmi_request_confirmation(self, agreement):
        """Put the proposal before the customer until the agreement's deadline, and tell
        its contacts."""
        self.ensure_one()
        self.write(
            {
                "vmi_confirmation_state": "waiting",
                "vmi_confirmation_deadline": fields.Datetime.now()
                + timedelta(hours=agreement.confirmation_hours),
                "vmi_confirmation_reminded": False,
            }
        )
        self._vmi_notify_customer(
            agreement,
            self.env._(
                "A replenishment proposal waits for your confirmation until "
                "%(deadline)s: accept it or change its quantities in your portal (My "
                "Account › Managed inventory › Proposals).",
                deadline=fields.Datetime.to_string(self.vmi_confirmation_deadline),
            ),
        )

    def _vmi_notify_customer(self, agreement, message):
        self.message_post(
            body=message,
            partner_ids=agreement.commercial_partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _vmi_customer_answer(self, requested, user):
        """The customer's answer: ``requested`` is ``{agreement line: quantity}`` for
        the lines it changes.

        :returns: the new confirmation state
        :raises UserError: when the proposal no longer waits, or a quantity is not a
            number of units ≥ 0
        """
        self.ensure_one()
        if self.vmi_confirmation_state != "waiting":
            raise UserError(
                self.env._(
                    "%(document)s no longer waits for your confirmation.",
                    document=self.display_name,
                )
            )
        agreement = self.vmi_agreement_id
        lines = {
            line.vmi_line_id: line for line in self._vmi_lines() if line.vmi_line_id
        }
        changes, beyond = [], {}
        for agreement_line, quantity in requested.items():
            line = lines.get(agreement_line)
            if line is None:
                raise UserError(
                    self.env._(
                        "%(document)s does not order %(product)s.",
                        document=self.display_name,
                        product=agreement_line.product_id.display_name,
                    )
                )
            if quantity < 0:
                raise UserError(
                    self.env._(
                        "A quantity cannot be negative (%(product)s: %(quantity)s).",
                        product=agreement_line.product_id.display_name,
                        quantity=quantity,
                    )
                )
            proposed = line[self._vmi_qty_field]
            if abs(quantity - proposed) < 1e-9:
                continue
            if within_tolerance(
                proposed,
                quantity,
                agreement.confirmation_tolerance_percent,
                agreement.confirmation_tolerance_qty,
            ):
                changes.append((agreement_line, proposed, quantity))
                line[self._vmi_qty_field] = quantity
            else:
                beyond[agreement_line] = (proposed, quantity)
                line.vmi_requested_qty = quantity
        summary = self._vmi_changes_text(changes, beyond)
        if beyond:
            self.vmi_confirmation_state = "review"
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=agreement.user_id.id or self.env.uid,
                summary=self.env._("Customer's changes beyond tolerance"),
                note=self.env._(
                    "%(user)s asks for quantities beyond the agreed tolerance: "
                    "%(changes)s",
                    user=user.name,
                    changes=summary,
                ),
            )
            self._vmi_log_answer(
                self.env._(
                    "%(user)s answered %(document)s: %(changes)s. Beyond the "
                    "tolerance, they wait for the vendor's review.",
                    user=user.name,
                    document=self.display_name,
                    changes=summary,
                )
            )
            return self.vmi_confirmation_state
        self._vmi_lines().filtered(lambda line: not line[self._vmi_qty_field]).unlink()
        self.vmi_confirmation_state = "confirmed"
        # a variable, not an f-string in the call: translation extraction reads the
        # call's arguments
        changed = f": {summary}" if changes else ""
        self._vmi_log_answer(
            self.env._(
                "%(document)s confirmed by %(user)s%(changes)s.",
                document=self.display_name,
                user=user.name,
                changes=changed,
            )
        )
        self._vmi_go_ahead(agreement)
        return self.vmi_confirmation_state

    def _vmi_log_answer(self, message):
        """Post ``message`` on the document and keep it in the run log, as a run of its
        own."""
        self.ensure_one()
        self.message_post(body=message)
        run = (
            self.env["vmi.replenishment.run"]
            .sudo()
            .create({"trigger": "customer", "agreement_count": 1})
        )
        self.env["vmi.replenishment.run.event"].sudo().create(
            run._prepare_event_vals(
                "customer_answer", message, self.vmi_agreement_id, document=self
            )
        )

    def _vmi_changes_text(self, changes, beyond):
        parts = [
            f"{line.product_id.display_name} "
            f"{format_quantity(old)} → {format_quantity(new)}"
            for line, old, new in changes
        ]
        parts += [
            f"{line.product_id.display_name} "
            f"{format_quantity(old)} → {format_quantity(new)}"
            for line, (old, new) in beyond.items()
        ]
        return ", ".join(parts)

    def _vmi_go_ahead(self, agreement):
        """The customer said yes (or let the deadline pass): confirm, unless a VMI
        Manager must approve first."""
        if not self._vmi_lines():
            self._vmi_cancel()
        elif self._vmi_needs_approval(agreement):
            self._vmi_request_approval(agreement)
        else:
            self._vmi_confirm()

    def action_vmi_accept_customer_quantities(self):
        """The vendor accepts the quantities the customer asked for beyond the
        tolerance, and confirms."""
        return self._vmi_review_customer_changes(accept=True)

    def action_vmi_keep_proposed_quantities(self):
        """The vendor keeps its proposed quantities against the customer's request, and
        confirms."""
        return self._vmi_review_customer_changes(accept=False)

    def _vmi_review_customer_changes(self, accept):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a VMI Manager can review a customer's changes to a proposal."
                )
            )
        for proposal in self.filtered(
            lambda document: document.vmi_confirmation_state == "review"
        ):
            for line in proposal._vmi_lines().filtered("vmi_requested_qty"):
                if accept:
                    line[proposal._vmi_qty_field] = line.vmi_requested_qty
                line.vmi_requested_qty = 0.0
            proposal._vmi_lines().filtered(
                lambda line, qty=proposal._vmi_qty_field: not line[qty]
            ).unlink()
            proposal.vmi_confirmation_state = "confirmed"
            proposal.activity_feedback(["mail.mail_activity_data_todo"])
            proposal.message_post(
                body=self.env._(
                    "%(user)s %(verdict)s.",
                    user=self.env.user.name,
                    verdict=self.env._("accepted the customer's quantities")
                    if accept
                    else self.env._("kept the proposed quantities"),
                )
            )
            proposal._vmi_go_ahead(proposal.vmi_agreement_id)
        return True

    @api.model
    def _vmi_cron_confirmation_deadlines(self):
        """Remind customers a day before the deadline; at the deadline, accept or hand
        to the vendor."""
        now = fields.Datetime.now()
        waiting = self.search(
            [
                ("vmi_confirmation_state", "=", "waiting"),
                ("state", "in", self._vmi_open_states),
            ]
        )
        for proposal in waiting:
            agreement = proposal.vmi_agreement_id
            if proposal.vmi_confirmation_deadline <= now:
                if agreement.confirmation_lapse == "accept":
                    proposal.vmi_confirmation_state = "lapsed"
                    proposal._vmi_log_answer(
                        self.env._(
                            "%(document)s: no answer from the customer by the "
                            "deadline, accepted as proposed.",
                            document=proposal.display_name,
                        )
                    )
                    proposal._vmi_go_ahead(agreement)
                else:
                    proposal.vmi_confirmation_state = "review"
                    proposal._vmi_log_answer(
                        self.env._(
                            "%(document)s: no answer from the customer by the "
                            "deadline, left to the vendor.",
                            document=proposal.display_name,
                        )
                    )
                    proposal.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=agreement.user_id.id or self.env.uid,
                        summary=self.env._("No answer from the customer"),
                        note=self.env._(
                            "The customer did not answer by the deadline: confirm or "
                            "change it."
                        ),
                    )
            elif (
                not proposal.vmi_confirmation_reminded
                and proposal.vmi_confirmation_deadline - now <= REMINDER_BEFORE
            ):
                proposal.vmi_confirmation_reminded = True
                proposal._vmi_notify_customer(
                    agreement,
                    self.env._(
                        "Reminder: this replenishment proposal waits for your "
                        "confirmation until %(deadline)s.",
                        deadline=fields.Datetime.to_string(
                            proposal.vmi_confirmation_deadline
                        ),
                    ),
                )


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"

    confirmation_required = fields.Boolean(
        string="Customer Confirms Proposals",
        tracking=True,
        help="Co-managed inventory: each proposal waits for the customer's "
        "confirmation in the portal or through the API, where it may change quantities "
        "within the tolerance below.",
    )
    confirmation_tolerance_percent = fields.Float(
        string="Customer Tolerance (%)",
        default=10.0,
        tracking=True,
        help="Per line, the largest change of a proposed quantity the customer makes "
        "without the vendor's review, as a share of it. Zero: no such limit (with no "
        "limit at all, every change is reviewed).",
    )
    confirmation_tolerance_qty = fields.Float(
        string="Customer Tolerance (Units)",
        tracking=True,
        help="Per line, the largest change in units the customer makes without the "
        "vendor's review. Zero: no such limit.",
    )
    confirmation_hours = fields.Integer(
        string="Confirmation Deadline (Hours)",
        default=48,
        tracking=True,
        help="How long a proposal waits for the customer's answer; a reminder goes out "
        "a day before.",
    )
    confirmation_lapse = fields.Selection(
        [("accept", "Accepted as proposed"), ("vendor", "Left to the vendor")],
        string="Without an Answer",
        default="accept",
        required=True,
        tracking=True,
        help="What happens to a proposal the customer has not answered by the "
        "deadline.",
    )

    def _waiting_proposals(self):
        """The proposals of these agreements that wait for the customer's answer, oldest
        first."""
        proposals = self.env["vmi.replenishment"]._open_proposals(self).values()
        return sorted(
            (
                proposal
                for proposal in proposals
                if proposal.vmi_confirmation_state == "waiting"
            ),
            key=lambda proposal: (proposal.create_date, proposal.id),
        )

    @api.model
    def _cron_confirmation_deadlines(self):
        for model in ("sale.order", "stock.picking"):
            self.env[model]._vmi_cron_confirmation_deadlines()
