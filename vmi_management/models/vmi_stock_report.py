import hashlib
from datetime import timedelta

from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, create_index, mute_logger

from ..intake import parse_document
from ..tools import company_tz, day_end, day_start, in_engine_language

# Clocks of the customer's systems drift; a report a few minutes "ahead" is not from the
# future.
FUTURE_TOLERANCE = timedelta(minutes=15)

EDI_FORMATS = (
    "x12_852",
    "x12_830",
    "edifact_invrpt",
    "edifact_slsrpt",
    "edifact_delfor",
    "edifact",
)

# The states of a report whose lines were applied (all, or those that were valid).
APPLIED_STATES = ("processed", "partially_rejected")

# One payload per agreement, unless its earlier copies were rejected: a rejected report
# applied nothing, and the same bytes resent (once the sender's clock is right, or the
# agreement is running again) are new data. It replaces the UNIQUE(agreement_id,
# checksum) constraint of earlier versions, which held for rejected ones too.
CHECKSUM_INDEX = "vmi_stock_report_one_payload"
FORMER_CHECKSUM_CONSTRAINT = "vmi_stock_report_checksum_unique"

PAYLOAD_FORMATS = [
    ("manual", "Typed in"),
    ("csv", "CSV"),
    ("xlsx", "Excel (XLSX)"),
    ("x12_852", "X12 852 Product Activity"),
    ("x12_830", "X12 830 Planning Schedule (forecast)"),
    ("edifact_invrpt", "EDIFACT INVRPT"),
    ("edifact_slsrpt", "EDIFACT SLSRPT"),
    ("edifact_delfor", "EDIFACT DELFOR (forecast)"),
    (
        "edifact",
        "EDIFACT (no stock or sales message)",
    ),  # kept, rejected, to show the sender what came
    ("json", "JSON"),
]


class VmiStockReport(models.Model):
    """Stock and consumption data a customer shares for one agreement, as of a moment.

    Every channel (back-office upload, EDI, the HTTP API, the portal) goes through
    :meth:`_receive`: the raw payload is kept as an attachment, the same payload (or
    sender reference) received twice is recognised (unless the earlier copy was
    rejected: the resend is then processed as a new report linked to it), each line is
    validated with a reason a customer can act on, and only accepted lines are applied.
    Where the customer owns the stock, its levels reach us only through these reports
    (the scheduler reads the latest accepted line per product and site); where the stock
    is in our books, a count adjusts the quants at the site and the difference becomes
    consumption.
    """

    _name = "vmi.stock.report"
    _description = "VMI Stock Report"
    _inherit = ["mail.thread"]
    _order = "date_as_of desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    agreement_id = fields.Many2one(
        "vmi.agreement",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="agreement_id.commercial_partner_id", store=True, index=True
    )
    source = fields.Selection(
        [
            ("back_office", "Back office"),
            ("portal", "Portal"),
            ("file", "File upload"),
            ("edi", "EDI"),
            ("api", "API"),
        ],
        required=True,
        default="back_office",
    )
    date_as_of = fields.Datetime(
        string="Stock As Of",
        required=True,
        default=fields.Datetime.now,
        help="The moment the reported quantities were true at the site.",
    )
    date_received = fields.Datetime(
        string="Received", readonly=True, default=fields.Datetime.now
    )
    date_period_start = fields.Date(
        string="Period Start", help="First day of the consumption period reported."
    )
    state = fields.Selection(
        [
            ("received", "Received"),
            ("processed", "Processed"),
            ("partially_rejected", "Partially Rejected"),
            ("rejected", "Rejected"),
        ],
        default="received",
        required=True,
        tracking=True,
    )
    line_ids = fields.One2many("vmi.stock.report.line", "report_id", string="Lines")
    payload_format = fields.Selection(
        PAYLOAD_FORMATS, string="Format", default="manual", required=True, readonly=True
    )
    reference = fields.Char(
        string="Sender Reference",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The sender's own document number (X12 XQ04, EDIFACT BGM, or given to the "
        "API); without one, its EDI envelope's sender and control numbers. A second "
        "report with the same reference is recognised as a repeat, unless this one was "
        "rejected.",
    )
    checksum = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of the raw payload: the same payload "
        "received twice is applied once.",
    )
    resent_from_id = fields.Many2one(
        "vmi.stock.report",
        string="Resend Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The rejected report this one repeats: a corrected or repeated document "
        "sent after a rejection is processed again as a new report.",
    )
    evaluation_requested = fields.Boolean(
        readonly=True,
        copy=False,
        help="Applied figures the scheduled replenishment has not evaluated yet. Kept "
        "on the report rather than the agreement, so that reports arriving together do "
        "not all rewrite the agreement.",
    )
    attachment_id = fields.Many2one(
        "ir.attachment", string="Raw Payload", readonly=True, copy=False
    )
    problems = fields.Text(readonly=True, help="Problems with the document as a whole.")
    line_count = fields.Integer(compute="_compute_line_counts")
    rejected_line_count = fields.Integer(
        compute="_compute_line_counts", string="Rejected Lines"
    )
    adjustment_move_ids = fields.One2many(
        "stock.move", "vmi_stock_report_id", string="Count Adjustments"
    )

    def init(self):
        """A payload is unique per agreement among the reports not rejected (a plain
        UNIQUE constraint would refuse the resend of a rejected one); applied reports
        are looked up per agreement by date (the agreement's last data received),
        requests for an evaluation by agreement."""
        res = super().init()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE vmi_stock_report DROP CONSTRAINT IF EXISTS %s",
                SQL.identifier(FORMER_CHECKSUM_CONSTRAINT),
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON vmi_stock_report "
                "(agreement_id, checksum) WHERE state != 'rejected'",
                SQL.identifier(CHECKSUM_INDEX),
            )
        )
        create_index(
            self.env.cr,
            "vmi_stock_report_applied_as_of_index",
            self._table,
            ["agreement_id", "date_as_of"],
            where=f"state IN {APPLIED_STATES}",
        )
        create_index(
            self.env.cr,
            "vmi_stock_report_evaluation_requested_index",
            self._table,
            ["agreement_id"],
            where="evaluation_requested",
        )
        return res

    @api.depends("agreement_id.name", "date_as_of")
    def _compute_name(self):
        for report in self:
            report.name = (
                f"{report.agreement_id.name or ''} · "
                f"{fields.Datetime.to_string(report.date_as_of) or ''}"
            )

    def _compute_line_counts(self):
        counts = {
            (report.id, state): count
            for report, state, count in self.env["vmi.stock.report.line"]._read_group(
                [("report_id", "in", self.ids)], ["report_id", "state"], ["__count"]
            )
        }
        for report in self:
            report.rejected_line_count = counts.get((report.id, "rejected"), 0)
            report.line_count = report.rejected_line_count + counts.get(
                (report.id, "accepted"), 0
            )

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------

    @api.model
    @in_engine_language
    def _receive(
        self, agreement, payload, *, source, filename="", date_as_of=None, parsed=None
    ):
        """Take in one payload for ``agreement`` from any channel, keep it, and apply
        what is valid.

        :param bytes payload: the document exactly as received; kept as an attachment
        :param str source: a ``source`` selection value
        :param datetime date_as_of: when the stock was counted, for formats that do not
            say it
        :param parsed: an already parsed :class:`~vmi_management.intake.ParsedReport`
                       (the API's JSON lines); parsed from ``payload`` otherwise
        :returns: ``(report, repeated)``: the new report, or the earlier report with the
                  same payload or sender reference, which is not applied again. An
                  earlier report that was rejected applied nothing: the payload is then
                  a new report, linked to it (``resent_from_id``)
        :raises SerializationFailure: when another transaction received the same payload
                  meanwhile (Odoo runs the request again; see :meth:`_create_received`)
        """
        checksum = hashlib.sha256(payload).hexdigest()
        earlier = self._find_earlier_receipt(agreement, checksum)
        if (
            not earlier or earlier.state == "rejected"
        ):  # a repeated payload is recognised before parsing it
            parsed = parsed or parse_document(payload, filename)
            if parsed.reference:
                earlier = self._find_earlier_receipt(
                    agreement, checksum, parsed.reference
                )
        if earlier and earlier.state != "rejected":
            earlier._note_repeat(
                source, filename or (parsed and parsed.reference) or checksum[:12]
            )
            return earlier, True
        as_of = (
            parsed.as_of
            or self._end_of_reported_day(agreement, parsed.as_of_date)
            or date_as_of
            or fields.Datetime.now()
        )
        report = self._create_received(
            agreement,
            checksum,
            {
                "agreement_id": agreement.id,
                "source": source,
                "date_as_of": as_of,
                "date_period_start": parsed.period_start,
                "payload_format": parsed.format,
                "reference": parsed.reference,
                "checksum": checksum,
                "resent_from_id": earlier.id,
                "problems": "\n".join(
                    parsed.errors + self._sender_problems(agreement, parsed)
                )
                or False,
            },
        )
        report.attachment_id = self.env["ir.attachment"].create(
            {
                "name": filename
                or f"{report.reference or report.name}.{parsed.format.split('_')[0]}",
                "raw": payload,
                "res_model": self._name,
                "res_id": report.id,
            }
        )
        Line = self.env["vmi.stock.report.line"]
        Line._insert_received(
            report,
            Line._resolve_codes(
                agreement,
                [
                    report._prepare_line_vals(sequence, line, parsed)
                    for sequence, line in enumerate(parsed.lines, 1)
                ],
            ),
        )
        report._process()
        if earlier:
            report._note_resend()
        return report, False

    def _create_received(self, agreement, checksum, vals):
        """Create the report of a new payload; the same payload committed meanwhile by
        another transaction (two clients, or a client's retry, at the same moment) is a
        repeat, not an error.

        The insert waits for a concurrent transaction inserting the same payload and
        fails once it has committed. Its report is not visible to this transaction's
        snapshot (PostgreSQL's repeatable read): a serialization failure is raised
        instead, which Odoo answers by running the request again, on a snapshot where
        the earlier report is found and answered as a repeat.
        """
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                return self.create(vals)
        except UniqueViolation as error:
            if error.diag.constraint_name != CHECKSUM_INDEX:
                raise
        self.env.cr.execute(
            SQL(
                "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', "
                "MESSAGE = %s; END $$",
                f"Stock report payload {checksum[:12]} for agreement {agreement.id} "
                "was received meanwhile by another transaction; retry to be answered "
                "with it.",
            ),
            log_exceptions=False,
        )
        raise AssertionError("the serialization failure above always raises")

    @api.model
    def _sender_problems(self, agreement, parsed):
        """Why the EDI envelope's sender may not report for ``agreement`` (a list, empty
        when it may).

        The customer's EDI sender ids, when set on its commercial partner, are the only
        ones whose documents are taken; without them any sender is, as the channel (API
        key, portal user, EDI mailbox) already says who sends.
        """
        expected = agreement.commercial_partner_id.sudo()._vmi_edi_sender_ids()
        if not expected or parsed.format not in EDI_FORMATS:
            return []
        unknown = [
            sender for sender in parsed.sender_ids if sender.upper() not in expected
        ]
        if parsed.sender_ids and not unknown:
            return []
        return [
            self.env._(
                "The document is sent by %(sender)s, not by %(partner)s: its EDI "
                "sender ids are %(expected)s (X12 ISA06 and GS02, EDIFACT UNB sender). "
                "Send it under one of those ids, or have them added to the partner.",
                sender=", ".join(f"'{sender}'" for sender in unknown)
                or self.env._("no sender id"),
                partner=agreement.commercial_partner_id.display_name,
                expected=", ".join(
                    agreement.commercial_partner_id.sudo()._vmi_edi_sender_ids(
                        upper=False
                    )
                ),
            )
        ]

    @api.model
    def _end_of_reported_day(self, agreement, day):
        """The as-of of figures dated by ``day`` alone: the end of that day where the
        agreement's company lives (naive UTC), or now when the day has begun and is not
        over yet; False without a day.

        Midnight at its start would put the day's own deliveries before the figures that
        already show them. A day still to come keeps its end, which the document checks
        reject as the future.
        """
        if not day:
            return False
        tz, now = company_tz(agreement.company_id), fields.Datetime.now()
        return (
            min(day_end(day, tz), now)
            if day_start(day, tz) <= now
            else day_end(day, tz)
        )

    def _find_earlier_receipt(self, agreement, checksum, reference=None):
        """The report a payload repeats: the latest with the same checksum (or sender
        reference) that was not rejected, else the latest rejected one, which the
        payload resends; empty when new."""
        same = [("checksum", "=", checksum)]
        if reference:
            same = expression.OR([same, [("reference", "=", reference)]])
        found = self.search(
            expression.AND([[("agreement_id", "=", agreement.id)], same]),
            order="id desc",
        )
        return (
            found.filtered(lambda report: report.state != "rejected")[:1] or found[:1]
        )

    def _note_repeat(self, source, name):
        self.ensure_one()
        self.message_post(
            body=self.env._(
                "The same report was received again (%(channel)s, %(name)s) and not "
                "applied a second time.",
                channel=dict(self._fields["source"]._description_selection(self.env))[
                    source
                ],
                name=name,
            )
        )

    def _note_resend(self):
        """Say on both reports that this one resends a rejected one."""
        self.ensure_one()
        earlier = self.resent_from_id
        self.message_post(
            body=self.env._(
                "Resend of report %(earlier)s, which was rejected: processed again as "
                "a new report.",
                earlier=earlier.display_name,
            )
        )
        earlier.message_post(
            body=self.env._(
                "Received again after this report was rejected: processed as report "
                "%(report)s.",
                report=self.display_name,
            )
        )

    def _prepare_line_vals(self, sequence, line, parsed):
        """Values of a report line from a parsed line, kept whatever its state: nothing
        is lost."""
        self.ensure_one()
        return {
            "sequence": sequence,
            "source_ref": line.ref,
            "product_code": " / ".join(line.product_codes),
            "location_code": line.location_code,
            "on_hand_reported": line.on_hand is not None,
            "quantity_on_hand": line.on_hand or 0.0,
            "quantity_consumed": line.consumed or 0.0,
            "quantity_forecast": line.forecast or 0.0,
            "date_forecast_start": line.forecast_start,
            "date_forecast_end": line.forecast_end,
            "forecast_only": line.on_hand is None
            and line.consumed is None
            and line.forecast is not None,
            "date_period_start": line.period_start or parsed.period_start,
            "date_period_end": line.period_end or parsed.period_end,
            "uom_code": line.uom,
            "state": "rejected" if line.error else "accepted",
            "rejection_reason": line.error or False,
        }

    def action_process(self):
        """Validate and apply a report typed in the back office."""
        for report in self:
            if report.state != "received":
                raise UserError(
                    self.env._(
                        "Report %(name)s has already been processed.", name=report.name
                    )
                )
        self._process()
        return True

    def _process(self):
        """Validate every line and apply the accepted ones; set the report's state from
        theirs.

        Lines are searched and counted rather than loaded: a received report
        can hold 100,000 of them.
        """
        Line = self.env["vmi.stock.report.line"]
        for report in self:
            accepted = Line.search(
                [("report_id", "=", report.id), ("state", "=", "accepted")]
            )
            blocking = report._check_document()
            if blocking:
                accepted._reject(blocking)
            else:
                accepted._check_lines(report)
                if report.agreement_id._site_kind() != "customer_location":
                    accepted.filtered(lambda line: line.state == "accepted")._apply()
                    report._bill_if_billed_per_report()
            counts = dict(
                Line._read_group(
                    [("report_id", "=", report.id)], ["state"], ["__count"]
                )
            )
            report.state = (
                "rejected"
                if not counts.get("accepted")
                else "partially_rejected"
                if counts.get("rejected")
                else "processed"
            )
        self.env["vmi.exception"]._sync_stale_data(self.agreement_id)
        # new figures, whichever channel brought them: evaluate their agreement now, not
        # at its next review
        self.filtered(lambda report: report.state != "rejected")._request_evaluation()

    def _request_evaluation(self):
        """Have the scheduled replenishment evaluate these reports' running agreements
        within a minute.

        The request is the system's, whoever (or whichever channel) brought the data,
        and is marked on the reports themselves: the agreement row is left alone, so
        that concurrent reports of one agreement (several sites, several channels)
        neither wait for each other nor for an evaluation holding the agreement, and the
        evaluation answers only the requests it has seen.
        """
        running = self.sudo().filtered(
            lambda report: report.agreement_id.state in ("pilot", "active")
        )
        if running:
            running.evaluation_requested = True
            self.env.ref("vmi_management.ir_cron_vmi_replenishment").sudo()._trigger()

    def _bill_if_billed_per_report(self):
        """Agreements billed "with each stock report" invoice the consumption the report
        just revealed."""
        agreement = self.agreement_id
        if (
            agreement.billing_frequency == "report"
            and agreement._site_kind() == "consigned_at_customer"
        ):
            # billing is the system's, whoever sent the report
            agreement.sudo()._bill_consumption()

    def _check_document(self):
        """Why nothing of this report can be applied, or False."""
        self.ensure_one()
        agreement = self.agreement_id
        if self.problems:
            return self.env._(
                "Not applied: the document is malformed (see the report's problems)."
            )
        if agreement.state == "terminated":
            return self.env._(
                "Agreement %(agreement)s is terminated: its stock is no longer "
                "managed.",
                agreement=agreement.name,
            )
        if self.date_as_of > fields.Datetime.now() + FUTURE_TOLERANCE:
            return self.env._(
                "The report is dated %(date)s, in the future: send the moment the "
                "stock was counted.",
                date=fields.Datetime.to_string(self.date_as_of),
            )
        if not self.line_ids:
            return self.env._("The report has no lines.")
        return False

    def _latest_applied_count(self, product_ids, site_ids):
        """When each product and site of this report's agreement was last counted by an
        applied report.

        Filtered with arrays rather than a list of (product, site) pairs, which
        PostgreSQL cannot plan for a report of 100,000 lines.

        :param product_ids: ids of the products counted (any iterable)
        :param site_ids: ids of the sites counted
        :returns: dict ``{(product_id, location_id): (as-of datetime, report name)}``
        """
        self.ensure_one()
        self.env["vmi.stock.report"].flush_model()
        self.env["vmi.stock.report.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (line.product_id, line.location_id)
                      line.product_id, line.location_id, report.date_as_of, report.name
                 FROM vmi_stock_report_line line
                 JOIN vmi_stock_report report ON report.id = line.report_id
                WHERE line.state = 'accepted' AND line.on_hand_reported
                  AND report.id != %s
                  AND report.state IN ('processed', 'partially_rejected')
                  AND report.agreement_id = %s
                  AND line.product_id = ANY(%s) AND line.location_id = ANY(%s)
             ORDER BY line.product_id, line.location_id, report.date_as_of DESC""",
                self.id,
                self.agreement_id.id,
                list(product_ids),
                list(site_ids),
            )
        )
        return {
            (product, location): (as_of, name)
            for product, location, as_of, name in self.env.cr.fetchall()
        }

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------

    def action_download_payload(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(
                self.env._(
                    "Report %(name)s was typed in: it has no raw payload.",
                    name=self.name,
                )
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
