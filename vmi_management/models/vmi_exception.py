from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine.exceptions import LINE_EXCEPTIONS, line_exceptions

AGREEMENT_EXCEPTIONS = {
    "stale_data": "high",
    "approval_overdue": "medium",
    "evaluation_failed": "high",
}
SEVERITIES = [
    ("critical", "Critical"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
]
APPROVAL_OVERDUE_DAYS = 2
ACKNOWLEDGEMENT_DAYS = (
    7  # an acknowledged exception still holding this long after comes back
)
TODO_ACTIVITY = "mail.mail_activity_data_todo"


class VmiException(models.Model):
    """Something about an agreement a planner must look at, raised and cleared by the
    system itself.

    The scheduler raises line exceptions from each decision (stockouts,
    projected stockouts, capped orders, demand spikes, lines below min that
    an order does not fix, overstock) and agreement exceptions (stale data,
    drafts awaiting approval too long, an evaluation that failed, which the
    next successful one clears); data intake clears stale data. An
    exception resolves itself as soon as its rule no longer holds, so the
    open list is always the current one. Each new exception puts an activity
    on its owner's list, and each owner gets a daily digest.

    A planner acts on an open exception without waiting for it to clear:

    - acknowledge it, with a note: who, when and the note are kept, its
      to-do is done, and it leaves the list of exceptions needing attention,
      the digest and the agreement's counter. It comes back (a new to-do,
      a note in its chatter) when its condition still holds
      ``ACKNOWLEDGEMENT_DAYS`` after the acknowledgement. A worse condition
      is a kind of its own (a projected stockout becomes out of stock), so
      it is raised as a new exception at once; a condition that clears and
      returns is raised anew too.
    - snooze it until a later date: it is out of those lists, and its to-do
      waits, until that day.
    """

    _name = "vmi.exception"
    _description = "VMI Exception"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, severity_rank, date_raised desc, id desc"

    kind = fields.Selection(
        [
            ("out_of_stock", "Out of stock"),
            ("projected_stockout", "Projected stockout within lead time"),
            ("capacity_capped", "Order capped by capacity"),
            ("supply_short", "Warehouse short: order allocated"),
            ("demand_spike", "Demand spike"),
            ("forecast_bias", "Forecast bias"),
            ("below_min", "Below min, not replenished"),
            ("overstock", "Overstock above max"),
            ("stale_data", "Stale data"),
            ("approval_overdue", "Draft awaiting approval too long"),
            ("evaluation_failed", "Replenishment evaluation failed"),
        ],
        required=True,
        readonly=True,
    )
    severity = fields.Selection(SEVERITIES, required=True, readonly=True, index=True)
    severity_rank = fields.Integer(compute="_compute_severity_rank", store=True)
    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, readonly=True, index=True, ondelete="cascade"
    )
    line_id = fields.Many2one(
        "vmi.agreement.line", readonly=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(related="line_id.product_id", store=True)
    location_id = fields.Many2one(
        related="line_id.location_id", string="Site", store=True
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="agreement_id.commercial_partner_id", store=True
    )
    user_id = fields.Many2one("res.users", string="Owner", tracking=True, index=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    date_raised = fields.Datetime(
        string="Raised", readonly=True, default=fields.Datetime.now
    )
    date_resolved = fields.Datetime(string="Resolved", readonly=True)
    message = fields.Text(
        readonly=True, help="What the system saw, when it was last checked."
    )
    date_acknowledged = fields.Datetime(
        string="Acknowledged On", readonly=True, copy=False, tracking=True
    )
    acknowledged_by_id = fields.Many2one(
        "res.users", string="Acknowledged By", readonly=True, copy=False
    )
    acknowledge_note = fields.Text(
        string="Acknowledgement Note", readonly=True, copy=False
    )
    snoozed_until = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="The exception is left out of the lists needing attention and the digest "
        "until this day.",
    )
    needs_attention = fields.Boolean(
        compute="_compute_needs_attention",
        search="_search_needs_attention",
        help="Open, not acknowledged, and not snoozed beyond today.",
    )
    proposal_ref = fields.Reference(
        [
            ("sale.order", "Sale Order"),
            ("purchase.order", "Purchase Order"),
            ("stock.picking", "Transfer"),
        ],
        string="Proposal",
        compute="_compute_proposal_ref",
        help="The open replenishment of the line, or the one waiting for approval.",
    )
    stock_report_id = fields.Many2one(
        "vmi.stock.report",
        string="Stock Report",
        compute="_compute_stock_report_id",
        help="The latest stock report with the line's figures (for stale data: the "
        "agreement's latest).",
    )

    def init(self):
        result = super().init()
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS vmi_exception_one_open "
                "ON vmi_exception (agreement_id, COALESCE(line_id, 0), kind) "
                "WHERE state = 'open'"
            )
        )
        return result

    @api.depends("severity")
    def _compute_severity_rank(self):
        ranks = {severity: rank for rank, (severity, __) in enumerate(SEVERITIES)}
        for exception in self:
            exception.severity_rank = ranks.get(exception.severity, len(ranks))

    @api.model
    def _needs_attention_domain(self):
        """Open exceptions nobody acknowledged, and not snoozed beyond today: the list a
        planner works."""
        today = fields.Date.context_today(self)
        return [
            ("state", "=", "open"),
            ("date_acknowledged", "=", False),
            "|",
            ("snoozed_until", "=", False),
            ("snoozed_until", "<=", today),
        ]

    @api.depends("state", "date_acknowledged", "snoozed_until")
    def _compute_needs_attention(self):
        today = fields.Date.context_today(self)
        for exception in self:
            exception.needs_attention = (
                exception.state == "open"
                and not exception.date_acknowledged
                and (not exception.snoozed_until or exception.snoozed_until <= today)
            )

    def _search_needs_attention(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "Search on whether an exception needs attention with = or != only."
                )
            )
        domain = self._needs_attention_domain()
        if (operator == "=") == value:
            return domain
        return [("id", "not in", self._search(domain))]

    def _compute_proposal_ref(self):
        """The document to open: for a line, the latest replenishment not done or
        cancelled that orders it; for drafts waiting too long, the latest of them. Found
        as the system, shown only to who may read it."""
        for exception in self:
            documents = exception.agreement_id.sudo()._replenishment_documents(
                [("state", "not in", ("done", "cancel"))]
            )
            if exception.kind == "approval_overdue":
                documents = documents.filtered("vmi_approval_required")
            elif exception.line_id:
                documents = documents.filtered(
                    lambda document, exception=exception: exception.line_id
                    in document._vmi_lines().vmi_line_id
                )
            else:
                documents = documents.browse()
            document = documents.sorted("id", reverse=True)[:1].sudo(False)
            readable = document and document.has_access("read")
            exception.proposal_ref = (
                f"{document._name},{document.id}" if readable else False
            )

    def _compute_stock_report_id(self):
        Report = self.env["vmi.stock.report"]
        for exception in self:
            domain = [("agreement_id", "=", exception.agreement_id.id)]
            if exception.line_id:
                domain += [
                    ("line_ids.product_id", "=", exception.product_id.id),
                    ("line_ids.location_id", "=", exception.location_id.id),
                ]
            elif exception.kind != "stale_data":
                exception.stock_report_id = False
                continue
            exception.stock_report_id = Report.search(domain, limit=1)

    @api.depends(
        "kind", "agreement_id.name", "product_id.display_name", "location_id.name"
    )
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for exception in self:
            subject = (
                f"{exception.product_id.display_name} @ {exception.location_id.name}"
                if exception.line_id
                else exception.agreement_id.name
            )
            exception.display_name = f"{kinds.get(exception.kind, '')}: {subject}"

    # ------------------------------------------------------------------
    # Raising and clearing
    # ------------------------------------------------------------------

    @api.model
    def _sync_line_exceptions(self, agreements, decisions, facts):
        """Bring the open exceptions of the lines just evaluated to what holds now.

        :param decisions: ``{vmi.agreement.line: engine Decision}``
        """
        holding = {}
        for line, decision in decisions.items():
            accuracy = facts[line].accuracy
            for kind in line_exceptions(
                decision,
                facts[line].demand,
                accuracy,
                line.agreement_id.forecast_bias_tolerance / 100.0,
            ):
                holding[line.agreement_id.id, line.id, kind] = line._exception_message(
                    kind, decision, accuracy
                )
        self._sync(agreements, holding, line_ids=[line.id for line in decisions])

    @api.model
    def _sync_agreement_exceptions(self, agreements):
        """After an evaluation of all their lines: bring the agreements' own exceptions
        to what holds now; the "evaluation failed" one is resolved, since the
        evaluation has just succeeded."""
        self._sync(agreements, self._agreement_exceptions(agreements), line_ids=None)

    @api.model
    def _agreement_exceptions(self, agreements):
        """Stale data and drafts awaiting approval too long:
        ``{(agreement id, False, kind): message}``."""
        holding = {}
        overdue = fields.Datetime.now() - timedelta(days=APPROVAL_OVERDUE_DAYS)
        for agreement in agreements:
            if agreement.is_data_stale:
                last = fields.Datetime.to_string(
                    agreement.last_stock_report_date
                ) or self.env._("never")
                holding[agreement.id, False, "stale_data"] = (
                    self.env._(
                        "No stock report for a day or more (last: %(last)s).",
                        last=last,
                    )
                    if agreement.max_data_age_days == 1
                    else self.env._(
                        "No stock report for %(days)s days or more (last: %(last)s).",
                        days=agreement.max_data_age_days,
                        last=last,
                    )
                )
            waiting = agreement._replenishment_documents(
                [("vmi_approval_required", "=", True), ("create_date", "<", overdue)]
            )
            if waiting:
                holding[agreement.id, False, "approval_overdue"] = self.env._(
                    "%(documents)s have waited more than %(days)s days for a VMI "
                    "Manager's approval.",
                    documents=", ".join(waiting.mapped("display_name")),
                    days=APPROVAL_OVERDUE_DAYS,
                )
        return holding

    @api.model
    def _raise_evaluation_failures(self, failures):
        """Open (or bring up to date) the "evaluation failed" exception of these
        agreements.

        :param failures: ``{vmi.agreement: message}``
        """
        agreements = self.env["vmi.agreement"].concat(*failures)
        holding = {
            (agreement.id, False, "evaluation_failed"): message
            for agreement, message in failures.items()
        }
        self._sync(agreements, holding, line_ids=None, kinds=["evaluation_failed"])

    @api.model
    def _sync_stale_data(self, agreements):
        """After data arrived: clear (or raise) the stale-data exception of these
        agreements."""
        holding = {
            key: message
            for key, message in self._agreement_exceptions(agreements).items()
            if key[2] == "stale_data"
        }
        self._sync(agreements, holding, line_ids=None, kinds=["stale_data"])

    @api.model
    def _sync(self, agreements, holding, line_ids, kinds=None):
        """Raise what holds and is not open yet, resolve what is open and no longer
        holds.

        :param holding: ``{(agreement id, line id or False, kind): message}``
        :param line_ids: the lines whose exceptions are in scope, or None for agreement
            exceptions
        :param kinds: restrict the scope to these kinds
        """
        # exceptions are the system's own records, whoever's action brought the change
        system = self.sudo()
        domain = [("agreement_id", "in", agreements.ids), ("state", "=", "open")]
        domain.append(
            ("line_id", "in", line_ids)
            if line_ids is not None
            else ("line_id", "=", False)
        )
        if kinds:
            domain.append(("kind", "in", kinds))
        open_exceptions = {
            (
                exception.agreement_id.id,
                exception.line_id.id or False,
                exception.kind,
            ): exception
            for exception in system.search(domain)
        }
        resolved = system.browse(
            [
                exception.id
                for key, exception in open_exceptions.items()
                if key not in holding
            ]
        )
        if resolved:
            resolved.write(
                {"state": "resolved", "date_resolved": fields.Datetime.now()}
            )
            resolved.activity_ids.unlink()
        for key, exception in open_exceptions.items():
            if key in holding and exception.message != holding[key]:
                exception.message = holding[key]
        system.browse(
            [
                exception.id
                for key, exception in open_exceptions.items()
                if key in holding
            ]
        )._reopen_lapsed_acknowledgements()
        owners = {
            agreement.id: agreement.user_id.id or self.env.uid
            for agreement in agreements
        }
        severities = {**LINE_EXCEPTIONS, **AGREEMENT_EXCEPTIONS}
        raised = system.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        ).create(
            [
                {
                    "agreement_id": agreement_id,
                    "line_id": line_id,
                    "kind": kind,
                    "severity": severities[kind],
                    "user_id": owners[agreement_id],
                    "message": message,
                }
                for (agreement_id, line_id, kind), message in holding.items()
                if (agreement_id, line_id, kind) not in open_exceptions
            ]
        )
        raised._schedule_owner_activities()
        return raised, resolved

    def _schedule_owner_activities(self):
        """One to-do per new exception on its owner's list, created in one batch,
        without an email each."""
        if not self:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get_id(self._name)
        # no assignment email per exception: the owners get the daily digest
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model,
                    "res_id": exception.id,
                    "activity_type_id": todo.id,
                    "user_id": exception.user_id.id,
                    "summary": exception.display_name[:250],
                    "note": exception.message,
                    "date_deadline": fields.Date.context_today(self),
                }
                for exception in self
            ]
        )

    def _reopen_lapsed_acknowledgements(self):
        """Acknowledged exceptions whose condition still holds ``ACKNOWLEDGEMENT_DAYS``
        later need attention again: the acknowledgement is cleared (it stays in the
        chatter) and the owner gets a new to-do."""
        lapsed = self.filtered(
            lambda exception: exception.date_acknowledged
            and exception.date_acknowledged
            <= fields.Datetime.now() - timedelta(days=ACKNOWLEDGEMENT_DAYS)
        )
        if not lapsed:
            return
        lapsed.write(
            {
                "date_acknowledged": False,
                "acknowledged_by_id": False,
                "acknowledge_note": False,
            }
        )
        for exception in lapsed:
            exception.message_post(
                body=self.env._(
                    "Still holding %(days)s days after it was acknowledged: it needs "
                    "attention again.",
                    days=ACKNOWLEDGEMENT_DAYS,
                ),
                subtype_xmlid="mail.mt_note",
            )
        lapsed._schedule_owner_activities()

    # ------------------------------------------------------------------
    # Planner's actions
    # ------------------------------------------------------------------

    def _check_open(self):
        closed = self.filtered(lambda exception: exception.state != "open")
        if closed:
            raise UserError(
                self.env._(
                    "%(exceptions)s already cleared: only open exceptions can be "
                    "acknowledged or snoozed.",
                    exceptions=", ".join(closed.mapped("display_name")),
                )
            )

    def _acknowledge(self, note):
        """Record who acknowledged these exceptions, when and why; their owners' to-dos
        are done.

        Any planner who may change the exceptions acknowledges them; their
        to-dos are their owners', so they are closed as the system.
        """
        self.check_access("write")
        self._check_open()
        self.write(
            {
                "date_acknowledged": fields.Datetime.now(),
                "acknowledged_by_id": self.env.uid,
                "acknowledge_note": note or False,
                "snoozed_until": False,
            }
        )
        feedback = self.env._(
            "Acknowledged by %(user)s: %(note)s",
            user=self.env.user.name,
            note=note or self.env._("no note"),
        )
        self._owner_todos().action_feedback(feedback=feedback)
        for exception in self:
            exception.message_post(body=feedback, subtype_xmlid="mail.mt_note")

    def _snooze(self, until):
        """Leave these exceptions out of the lists needing attention until ``until`` (a
        later day); their owners' to-dos wait until then (moved as the system, as in
        ``_acknowledge``)."""
        self.check_access("write")
        self._check_open()
        today = fields.Date.context_today(self)
        if not until or until <= today:
            raise UserError(
                self.env._(
                    "Snooze until a day after today (%(today)s): %(date)s has already "
                    "come.",
                    today=fields.Date.to_string(today),
                    date=fields.Date.to_string(until) or self.env._("no date"),
                )
            )
        self.write({"snoozed_until": until})
        self._owner_todos().date_deadline = until

    def _owner_todos(self):
        """The to-dos ``_schedule_owner_activities`` put on the owners' lists, as the
        system."""
        todo = self.env.ref(TODO_ACTIVITY)
        return self.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo
        )

    def _action_open_wizard(self, mode):
        """The acknowledge or snooze dialog, for these exceptions."""
        return {
            "type": "ir.actions.act_window",
            "name": {
                "acknowledge": self.env._("Acknowledge Exception"),
                "snooze": self.env._("Snooze Exception"),
            }[mode],
            "res_model": "vmi.exception.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_exception_ids": self.ids, "default_mode": mode},
        }

    def action_acknowledge(self):
        return self._action_open_wizard("acknowledge")

    def action_snooze(self):
        return self._action_open_wizard("snooze")

    def _action_open_record(self, record, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_line(self):
        self.ensure_one()
        return self._action_open_record(self.line_id, self.line_id.display_name)

    def action_open_proposal(self):
        self.ensure_one()
        return self._action_open_record(
            self.proposal_ref, self.proposal_ref.display_name
        )

    def action_open_stock_report(self):
        self.ensure_one()
        return self._action_open_record(
            self.stock_report_id, self.stock_report_id.display_name
        )

    # ------------------------------------------------------------------
    # Daily digest
    # ------------------------------------------------------------------

    @api.model
    def _cron_send_digest(self):
        """Each owner gets one email listing the exceptions needing attention on the
        list, most urgent first: acknowledged ones and those snoozed beyond today are
        left out."""
        by_owner = defaultdict(lambda: self.browse())
        for exception in self.search(
            [*self._needs_attention_domain(), ("user_id", "!=", False)]
        ):
            by_owner[exception.user_id] |= exception
        mails = []
        for user, exceptions in by_owner.items():
            if not user.email:
                continue
            body = self.env["ir.qweb"]._render(
                "vmi_management.vmi_exception_digest",
                {
                    "user": user,
                    "exceptions": exceptions,
                    "base_url": self.get_base_url(),
                },
            )
            mails.append(
                {
                    "subject": self.env._(
                        "VMI exceptions: %(count)s open", count=len(exceptions)
                    ),
                    "body_html": body,
                    "email_to": user.email_formatted,
                    "email_from": user.company_id.email_formatted
                    or self.env.company.email_formatted,
                    "auto_delete": True,
                }
            )
        return self.env["mail.mail"].sudo().create(mails)
