from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_datetime

from .vmi_agreement import MANAGER_GROUP

APPROVAL_ACTIVITY = "vmi_management.mail_activity_type_vmi_approval"


class VmiProposalMixin(models.AbstractModel):
    """What sale orders, purchase orders and consignment transfers share as VMI
    proposals.

    The scheduler keeps at most one open proposal per agreement and site
    location: it updates that draft rather than adding a second one, and a
    unique partial index makes a second one impossible even when two
    evaluations race. Each document model says how its lines, quantities,
    confirmation and cancellation work through the ``_vmi_*`` hooks below.
    """

    _name = "vmi.proposal.mixin"
    _description = "VMI Replenishment Proposal"

    # Hooks the concrete model sets
    _vmi_line_field = None  # one2many of the document's lines
    _vmi_qty_field = None  # quantity field on those lines, in the product's unit
    _vmi_open_states = ()  # states in which the document is an open, editable proposal
    _vmi_date_field = None  # when the document is expected at the site

    vmi_agreement_id = fields.Many2one(
        "vmi.agreement",
        string="VMI Agreement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The VMI agreement that proposed this document.",
    )
    vmi_location_id = fields.Many2one(
        "stock.location",
        string="VMI Site",
        readonly=True,
        copy=False,
        help="The customer-site location this document replenishes.",
    )
    vmi_approval_required = fields.Boolean(
        string="Awaiting VMI Approval",
        readonly=True,
        copy=False,
        help="Worth more than the agreement's approval threshold: it stays a draft "
        "until a VMI Manager approves it.",
    )

    def init(self):
        super().init()
        if self._abstract:
            return
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (vmi_agreement_id, "
                "vmi_location_id) WHERE vmi_agreement_id IS NOT NULL AND state IN %s",
                SQL.identifier(f"{self._table}_vmi_one_open_proposal"),
                SQL.identifier(self._table),
                tuple(self._vmi_open_states),
            )
        )

    @api.model
    def _vmi_open_proposal_domain(self, agreements):
        return [
            ("vmi_agreement_id", "in", agreements.ids),
            ("state", "in", list(self._vmi_open_states)),
        ]

    def _vmi_lines(self):
        return self[self._vmi_line_field]

    # Hooks each document model implements -----------------------------------

    def _vmi_prepare_vals(self, agreement, site):
        """Header values of a new proposal of ``agreement`` for ``site``."""
        raise NotImplementedError

    def _vmi_prepare_line_vals(self, agreement_line, quantity, reason=False):
        """Values of a new document line ordering ``quantity`` for ``agreement_line``,
        in the product's unit, with the reason of the decision that ordered it."""
        product = agreement_line.product_id
        return {
            "product_id": product.id,
            self._vmi_qty_field: quantity,
            "vmi_proposed_qty": quantity,
            "product_uom": product.uom_id.id,
            "vmi_line_id": agreement_line.id,
            "vmi_reason": reason,
        }

    @api.model
    def _vmi_unit_value(self, product):
        """What one unit of ``product`` adds to the value of a proposal of this kind, in
        company currency: its cost; sale orders override it with the sales price."""
        return product.standard_price

    def _vmi_amount(self):
        """Value of the proposal in company currency, compared to the approval
        threshold.

        Orders are valued untaxed, converted at the order date; transfers
        override this with their value at cost.
        """
        return self.currency_id._convert(
            self.amount_untaxed,
            self.company_id.currency_id,
            self.company_id,
            self.date_order or fields.Date.today(),
        )

    def _vmi_confirm(self):
        raise NotImplementedError

    def _vmi_cancel(self):
        raise NotImplementedError

    def _vmi_order_problem(self, agreement_line):
        """Why the line's product cannot be ordered on this kind of document, and what
        to fix, or None."""
        return None

    # Shared behaviour ---------------------------------------------------------

    def _vmi_planner_quantities(self):
        """Lines whose quantity a planner changed:
        ``{agreement line: (planner's quantity, proposed quantity)}``."""
        return {
            line.vmi_line_id: (line[self._vmi_qty_field], line.vmi_proposed_qty)
            for line in self._vmi_lines()
            if line.vmi_line_id
            and line.vmi_proposed_qty
            and line[self._vmi_qty_field] != line.vmi_proposed_qty
        }

    @api.model
    def _vmi_unorderable_lines(self, agreement_lines):
        """The lines that cannot be ordered on this kind of document:
        ``{agreement line: why, what to fix}``.

        Each is left out of its proposal alone, so one product not set up for
        ordering never holds back the agreement's other lines.
        """
        return {
            line: problem
            for line in agreement_lines
            if (problem := self._vmi_order_problem(line))
        }

    @api.model
    def _vmi_create_proposals(self, needs, reasons=None):
        """Create proposals, each with its lines, for several agreements and sites at
        once.

        The documents are created in one call and then all their lines in
        one call: creating each document and writing its lines would run the
        heavy ``create`` of the line model once per document. The lines are
        created with their document link, as the ORM does for a
        ``Command.create`` in the document's values, but without what some
        documents' ``create`` adds to lines given with them (a transfer
        writes a picking description on each move, one write per move), so
        a proposal has the same lines as when the scheduler adds them later.

        :param list needs: ``(agreement, site location, {agreement line: quantity})``
            per proposal
        :param dict reasons: ``{agreement line: why its quantity}``, kept on the
            document lines
        :returns: the new proposals, in the order of ``needs``
        """
        reasons = reasons or {}
        proposals = self.create(
            [self._vmi_prepare_vals(agreement, site) for agreement, site, __ in needs]
        )
        line_field = self._fields[self._vmi_line_field]
        self.env[line_field.comodel_name].create(
            [
                {
                    **proposal._vmi_prepare_line_vals(
                        agreement_line, quantity, reasons.get(agreement_line, False)
                    ),
                    line_field.inverse_name: proposal.id,
                }
                for proposal, (__, __, quantities) in zip(
                    proposals, needs, strict=False
                )
                for agreement_line, quantity in quantities.items()
            ]
        )
        return proposals

    def _vmi_set_quantities(self, quantities, scope=None, reasons=None):
        """Make the proposal order exactly ``quantities`` ({agreement line: quantity}).

        Lines of agreement lines no longer needed are removed; the others are
        updated or added, so the draft always shows the latest decision. A
        quantity the decision keeps (a planner's, see
        ``vmi.replenishment._keep_planner_overrides``) is left as it is, and
        so is its reason: the reason says why the quantity is what it is.

        :param scope: when only some agreement lines were evaluated, the lines
            of the others are left as they are; ``None`` means all were.
        :param reasons: ``{agreement line: why its quantity}``, kept on the lines added
            or changed
        :returns: the changes, ``[(product, quantity before, quantity now)]``; empty
            when nothing changed
        """
        self.ensure_one()
        reasons = reasons or {}
        lines = self._vmi_lines()
        by_agreement_line = {
            line.vmi_line_id: line for line in lines if line.vmi_line_id
        }
        commands, changes = [], []
        for agreement_line, existing in by_agreement_line.items():
            if agreement_line not in quantities and (
                scope is None or agreement_line in scope
            ):
                commands.append(fields.Command.unlink(existing.id))
                changes.append(
                    (existing.product_id, existing[self._vmi_qty_field], 0.0)
                )
        for agreement_line, quantity in quantities.items():
            existing = by_agreement_line.get(agreement_line)
            reason = reasons.get(agreement_line, False)
            if existing:
                if existing[self._vmi_qty_field] != quantity:
                    changes.append(
                        (existing.product_id, existing[self._vmi_qty_field], quantity)
                    )
                    commands.append(
                        fields.Command.update(
                            existing.id,
                            {
                                self._vmi_qty_field: quantity,
                                "vmi_proposed_qty": quantity,
                                "vmi_reason": reason,
                            },
                        )
                    )
            else:
                changes.append((agreement_line.product_id, 0.0, quantity))
                commands.append(
                    fields.Command.create(
                        self._vmi_prepare_line_vals(agreement_line, quantity, reason)
                    )
                )
        if commands:
            self.write({self._vmi_line_field: commands})
        return changes

    @api.model
    def _vmi_log_run_changes(self, run, changes):
        """Tell on each proposal, in one note, what an evaluation run changed on it.

        One note per proposal and run, naming the run (a link to its log) and
        each line changed with its quantity before and after; a proposal the
        run left as it was gets none. The notes are logged in one batch per
        document model, without notifying anyone: the customer follows its
        orders, and these are the vendor's working notes.

        :param run: the ``vmi.replenishment.run``
        :param changes: ``{proposal: [(product, quantity before, quantity now)]}``, of
            any proposal models
        """
        by_model = defaultdict(dict)
        for proposal, proposal_changes in changes.items():
            if proposal_changes:
                by_model[proposal._name][proposal.id] = proposal._vmi_changes_body(
                    run, proposal_changes
                )
        for model, bodies in by_model.items():
            self.env[model].browse(list(bodies))._message_log_batch(bodies)

    def _vmi_changes_body(self, run, changes):
        """The note of ``_vmi_log_run_changes``: the run, then one item per line
        changed."""
        self.ensure_one()
        number = self.env["vmi.agreement.line"]._format_step_value
        items = Markup("").join(
            Markup("<li>%s: %s → %s</li>")
            % (product.display_name, number(float(before)), number(float(now)))
            for product, before, now in changes
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "VMI evaluation %(run)s changed these quantities:",
                run=run._get_html_link(),
            ),
            items,
        )

    def _vmi_set_delivery_date(self, moment):
        """Expect the proposal at the site at ``moment`` (a naive UTC datetime), the
        site's next delivery day."""
        for proposal in self:
            if proposal[self._vmi_date_field] != moment:
                proposal[self._vmi_date_field] = moment

    def _vmi_needs_approval(self, agreement):
        self.ensure_one()
        threshold = agreement.approval_threshold
        return (
            bool(threshold)
            and agreement.currency_id.compare_amounts(self._vmi_amount(), threshold) > 0
        )

    def _vmi_check_approval(self):
        """Called before a document is confirmed, validated or marked to do: one waiting
        for approval goes no further, whoever asks, the superuser included.

        Only ``action_vmi_approve`` lifts the wait, so that every approval is
        a VMI Manager's, logged, with its activity closed.
        """
        waiting = self.filtered("vmi_approval_required")
        if waiting:
            raise UserError(
                self.env._(
                    "%(documents)s exceed the approval threshold of their VMI "
                    "agreement: a VMI Manager must approve them (Approve "
                    "Replenishment) before they are confirmed or validated.",
                    documents=", ".join(waiting.mapped("display_name")),
                )
            )

    def _vmi_request_approval(self, agreement):
        """Make this proposal wait for a VMI Manager's approval, with one approval
        activity for its owner."""
        self.ensure_one()
        self.vmi_approval_required = True
        if self.env.ref(APPROVAL_ACTIVITY) not in self.activity_ids.activity_type_id:
            self.activity_schedule(
                APPROVAL_ACTIVITY,
                user_id=agreement.user_id.id or self.env.uid,
                note=self.env._(
                    "Worth more than the approval threshold of agreement %(name)s: "
                    "a VMI Manager must approve it.",
                    name=agreement.name,
                ),
            )

    def _vmi_withdraw_approval_request(self):
        """The proposal no longer exceeds the threshold: it waits for nobody."""
        self.vmi_approval_required = False
        self.activity_unlink([APPROVAL_ACTIVITY])

    def action_vmi_approve(self):
        """A VMI Manager approves proposals that exceeded the agreement's threshold: who
        and when is logged, the approval activity is done, and the proposal is
        confirmed."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a VMI Manager can approve replenishments above the threshold."
                )
            )
        waiting = self.filtered("vmi_approval_required")
        user = self.env.user
        message = self.env._(
            "Replenishment approved by %(user)s on %(date)s.",
            user=user.name,
            date=format_datetime(self.env, fields.Datetime.now(), tz=user.tz),
        )
        waiting.vmi_approval_required = False
        waiting.activity_feedback([APPROVAL_ACTIVITY], feedback=message)
        for document in waiting:
            document.message_post(body=message)
        waiting._vmi_confirm()
        return True
