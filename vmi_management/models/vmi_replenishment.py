import json
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..engine import decision_status, plan
from ..tools import in_engine_language, paused_gc, unnest_columns

_logger = logging.getLogger(__name__)

BATCH_SIZE = 20  # agreements claimed per scheduled transaction
WRITE_CHUNK = 5000  # decisions written per UPDATE statement
RETRY_DELAY = timedelta(
    hours=1
)  # a failed agreement is evaluated again after this, not in the same run
MANUAL_RUN_BUDGET = (
    60  # seconds "Run Manually" evaluates batches before leaving the rest to the cron
)

PROPOSAL_MODELS = {
    "consigned_at_customer": "stock.picking",
    "customer_location": "sale.order",
    "our_warehouse": "purchase.order",
}


class VmiReplenishment(models.AbstractModel):
    """The VMI loop: evaluate agreement lines against their thresholds and propose
    orders.

    The scheduled action and "Evaluate now" run the same code:

    1. claim the agreements with row locks (``FOR NO KEY UPDATE SKIP LOCKED``),
       so two evaluations never work on the same agreement; an agreement
       another evaluation has just finished raises a serialization failure at
       the claim and is left to it. The scheduler claims the agreements due
       by their schedule and those whose new stock data asked for an
       evaluation (``evaluation_requested`` on the reports);
    2. gather every input for all lines of the batch in a few grouped
       queries (``vmi.replenishment.data``);
    3. let the framework-free engine decide, line by line, with its reasons;
    4. bring each agreement's open proposal (sale order, purchase order or
       consignment transfer) per site to exactly the decided quantities:
       update the draft, create it, or withdraw it when the need is gone;
       then confirm it or leave it for review/approval;
    5. record the decisions on the lines, the stock levels, KPIs,
       exceptions and next evaluation, and the run in its log.

    Steps 2 to 5 run for the whole batch in one savepoint; when anything
    fails, they are redone agreement by agreement, each in its own
    savepoint, and a failing agreement is logged, flagged and postponed
    without stopping the others.

    Open orders count as on order and an agreement's open proposal is
    replaced rather than added to, so a re-run, or a run after a crash (whose
    transaction was rolled back), leaves exactly what one run leaves.
    """

    _name = "vmi.replenishment"
    _description = "VMI Replenishment Evaluation"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _due_condition(self, now):
        """The agreements to evaluate now: running, and due by their schedule or asked
        for by new data."""
        return SQL(
            "state IN ('pilot', 'active') AND (date_next_evaluation IS NULL OR "
            "date_next_evaluation <= %s OR EXISTS (SELECT 1 FROM vmi_stock_report "
            "report WHERE report.agreement_id = vmi_agreement.id AND "
            "report.evaluation_requested))",
            now,
        )

    def _flush_due_condition(self):
        self.env["vmi.agreement"].flush_model(["state", "date_next_evaluation"])
        self.env["vmi.stock.report"].flush_model(
            ["agreement_id", "evaluation_requested"]
        )

    @api.model
    def _due_agreements_sql(self, now, agreement_ids=None, limit=None):
        """Claim agreements for this transaction, skipping those another evaluation
        holds."""
        if agreement_ids is None:
            condition = self._due_condition(now)
        else:
            condition = SQL(
                "state IN ('pilot', 'active') AND id IN %s",
                tuple(agreement_ids) or (0,),
            )
        return SQL(
            "SELECT id FROM vmi_agreement WHERE %s ORDER BY date_next_evaluation NULLS "
            "FIRST, id %s FOR NO KEY UPDATE SKIP LOCKED",
            condition,
            SQL("LIMIT %s", limit) if limit else SQL(),
        )

    @api.model
    def _count_due(self, now):
        """How many agreements are still due, those other evaluations hold included."""
        self._flush_due_condition()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM vmi_agreement WHERE %s", self._due_condition(now))
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _claim(self, now, agreement_ids=None, limit=None):
        """Lock and return the agreements this evaluation may work on.

        :returns: ``vmi.agreement`` records; empty when every candidate is held
                  by, or was just committed by, another evaluation.
        """
        self._flush_due_condition()
        try:
            with self.env.cr.savepoint():
                # a serialization failure is expected here, not worth an error in the
                # log
                self.env.cr.execute(
                    self._due_agreements_sql(now, agreement_ids, limit),
                    log_exceptions=False,
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except SerializationFailure:
            _logger.info(
                "VMI replenishment: agreements were just evaluated by another worker; "
                "leaving them."
            )
            ids = []
        return self.env["vmi.agreement"].browse(ids)

    @api.model
    def _cron_evaluate(self):
        """Scheduled action: evaluate the due agreements, batch by batch, and report
        progress.

        A cron worker (``ir.cron._run_job``, which puts ``cron_id`` in the
        context) commits after each call and calls again, up to ten times and
        then as soon as it can, while the progress reported says agreements
        remain: one batch per call, so cron workers share the batches and a
        crash only loses the batch in flight. "Run Manually"
        (``ir.cron.method_direct_trigger``, which adds a progress record but
        no ``cron_id``) calls once, in one transaction: there, batches follow
        each other until none is due or the time budget is spent, and the
        cron is triggered for the rest.

        Every batch leaves its agreements no longer due (rescheduled, their
        request answered, or postponed after a failure), so the count of
        remaining agreements shrinks from call to call.
        """
        manual = (
            "ir_cron_progress_id" in self.env.context
            and "cron_id" not in self.env.context
        )
        started = time.monotonic()
        done = 0
        supply_plan = self.env["vmi.supply.plan"]
        while True:
            now = fields.Datetime.now()
            if not supply_plan and self._count_due(now):
                supply_plan = supply_plan._current(now)
            agreements = self._claim(now, limit=BATCH_SIZE)
            if agreements:
                self._evaluate(agreements, trigger="scheduled", now=now)
            done += len(agreements)
            remaining = self._count_due(now)
            if (
                not (manual and agreements and remaining)
                or time.monotonic() - started > MANUAL_RUN_BUDGET
            ):
                break
        if manual and remaining:
            self.env.ref("vmi_management.ir_cron_vmi_replenishment").sudo()._trigger()
        if not remaining:
            supply_plan.search([("state", "=", "open")])._close()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _evaluate_now(self, agreements, lines=None):
        """Evaluate these agreements (or only ``lines`` of them) at once, whatever their
        schedule."""
        now = fields.Datetime.now()
        claimed = self._claim(now, agreement_ids=agreements.ids)
        run = self._evaluate(claimed, trigger="manual", now=now, only_lines=lines)
        busy = agreements - claimed
        if busy:
            self.env["vmi.replenishment.run.event"].create(
                [
                    run._prepare_event_vals(
                        "skipped",
                        self.env._(
                            "Being evaluated by another run right now (or not "
                            "running): not evaluated here. Try again in a moment; only "
                            "pilot and active agreements are evaluated."
                        ),
                        agreement,
                    )
                    for agreement in busy
                ]
            )
        return run

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    @api.model
    @paused_gc()
    def _evaluate(self, agreements, trigger, now, only_lines=None):
        """Evaluate the agreements and apply their results; a failing agreement never
        stops the others.

        It is logged on the run with its error, gets an open "evaluation
        failed" exception and is postponed, so that it is not due again in
        this run; its next successful evaluation clears the exception.
        """
        started = time.monotonic()
        run = self.env["vmi.replenishment.run"].create(
            {"trigger": trigger, "date_start": now}
        )
        results, failures = self._apply_by_agreement(
            agreements,
            lambda part: self._evaluate_agreements(run, part, trigger, now, only_lines),
        )
        decisions = {
            line: decision for result in results for line, decision in result.items()
        }
        if failures:
            self._record_failures(run, failures, now)
        run.write(
            {
                "duration": time.monotonic() - started,
                "agreement_count": len(agreements),
                "line_count": len(decisions),
                "order_line_count": sum(
                    1 for decision in decisions.values() if decision.order_qty > 0
                ),
            }
        )
        return run

    def _apply_by_agreement(self, agreements, apply):
        """Apply ``apply`` to the whole batch at once, or, when that fails, to each
        agreement alone.

        The whole batch is tried at once first, so that its inputs are
        gathered and its results written in a few calls rather than a few per
        agreement. When anything in it fails, that attempt is rolled back and
        the agreements are done one by one, each in its own savepoint: the
        failing ones are returned with their error, the others are applied
        exactly as if each had been done alone. Only exceptions are caught:
        a process being killed stops the batch, whose transaction is then
        rolled back and taken up again by the next call.

        :param apply: function of a ``vmi.agreement`` recordset
        :returns: ``(results, failures)``: what ``apply`` returned for the
                  parts that succeeded, and ``{agreement: exception}``
        """
        try:
            with self.env.cr.savepoint():
                return [apply(agreements)], {}
        except (
            Exception
        ):  # redone agreement by agreement below, where each error is kept
            _logger.info(
                "VMI replenishment: the batch failed as a whole; evaluating agreement "
                "by agreement"
            )
        results, failures = [], {}
        for agreement in agreements:
            try:
                with self.env.cr.savepoint():
                    results.append(apply(agreement))
            except Exception as error:  # one failing agreement never stops the others
                _logger.info(
                    "VMI replenishment of %s failed", agreement.name, exc_info=True
                )
                failures[agreement] = error
        return results, failures

    @in_engine_language
    def _evaluate_agreements(self, run, agreements, trigger, now, only_lines):
        """Decide every line of these agreements and apply the decisions: proposals,
        results, log.

        :returns: ``{vmi.agreement.line: engine Decision}``
        """
        decisions, facts, skipped = self._decide(agreements, now, only_lines)
        events = [
            run._prepare_event_vals("skipped", message, line=line)
            for line, message in skipped
        ]
        decisions = self._allocate_supply(decisions, now)
        open_proposals = self._open_proposals(agreements)
        decisions = self._keep_planner_overrides(decisions, open_proposals)
        decisions = self._build_loads(decisions, facts, now)
        decisions_by_agreement = defaultdict(dict)
        for line, decision in decisions.items():
            decisions_by_agreement[line.agreement_id][line] = decision
        partial = only_lines is not None
        events += self._sync_proposals(
            run,
            agreements,
            decisions_by_agreement,
            open_proposals,
            partial,
            self._delivery_dates(decisions, facts, now),
        )
        self._write_decisions(decisions, facts, now)
        self.env["vmi.stock.level"]._record_evaluation(
            self.env["vmi.agreement.line"].concat(*decisions), now
        )
        if not partial:
            self.env["vmi.kpi.snapshot"]._record(agreements, decisions, facts, now)
        self.env["vmi.exception"]._sync_from_evaluation(
            agreements, decisions, facts, partial=partial
        )
        self._schedule_next_evaluation(
            agreements,
            now,
            scheduled=trigger == "scheduled",
            partial=partial,
            review_by=self._delivery_reviews(decisions, facts, now),
        )
        self.env["vmi.replenishment.run.event"].create(events)
        return decisions

    def _decide(self, agreements, now, only_lines=None):
        """What the engine decides for the lines of these agreements, before any supply
        is allocated.

        Lines an Odoo reordering rule also replenishes, and customer-owned
        lines without any stock level yet, are skipped with the reason.

        :returns: ``({line: Decision}, {line: LineFacts},
            [(line, why it was skipped)])``
        """
        lines = agreements.line_ids.filtered(
            lambda line: line.agreement_id.state == "active" or line.in_pilot_scope
        )
        if only_lines is not None:
            lines &= only_lines
        skipped = []
        conflicts = self._managed_by_reordering_rules(lines)
        for line in conflicts:
            skipped.append(
                (
                    line,
                    self.env._(
                        "Skipped: Odoo reordering rule %(rule)s also replenishes "
                        "%(product)s at %(site)s. Archive the rule or remove the line, "
                        "so one engine manages it.",
                        rule=conflicts[line].display_name,
                        product=line.product_id.display_name,
                        site=line.location_id.display_name,
                    ),
                )
            )
        lines -= self.env["vmi.agreement.line"].concat(*conflicts)
        facts = self.env["vmi.replenishment.data"]._gather(lines, now)
        unknown_stock = lines.filtered(lambda line: facts[line].on_hand is None)
        for line in unknown_stock:
            skipped.append(
                (
                    line,
                    self.env._(
                        "Skipped: no stock level for %(product)s at %(site)s yet. The "
                        "customer owns this stock; it is replenished once a stock "
                        "report gives its level.",
                        product=line.product_id.display_name,
                        site=line.location_id.display_name,
                    ),
                )
            )
        lines -= unknown_stock
        decisions = dict(
            zip(
                lines,
                plan(
                    [line._prepare_engine_input(facts[line]) for line in lines],
                    as_of=fields.Date.to_date(now),
                ),
                strict=False,
            )
        )
        return decisions, facts, skipped

    def _record_failures(self, run, failures, now):
        """Log each failed agreement on the run, open its exception, and postpone it by
        ``RETRY_DELAY``.

        Postponed, it is no longer due in this run, so the others proceed and
        the scheduler does not claim it again at once; an agreement not due
        before that keeps its schedule. Its request for an evaluation is
        answered by the retry.

        :param failures: ``{vmi.agreement: exception}``
        """
        messages = {
            agreement: self._describe_error(agreement, error)
            for agreement, error in failures.items()
        }
        self.env["vmi.replenishment.run.event"].create(
            [
                run._prepare_event_vals("error", message, agreement)
                for agreement, message in messages.items()
            ]
        )
        self.env["vmi.exception"]._raise_evaluation_failures(messages)
        retry = now + RETRY_DELAY
        for agreement in failures:
            agreement.date_next_evaluation = max(
                agreement.date_next_evaluation or retry, retry
            )
        self.env["vmi.agreement"].concat(*failures)._answer_evaluation_request()

    def _describe_error(self, agreement, error):
        message = (
            error.args[0]
            if isinstance(error, UserError) and error.args
            else repr(error)
        )
        return self.env._(
            "Agreement %(name)s was not replenished: %(message)s",
            name=agreement.name,
            message=message,
        )

    @api.model
    def _managed_by_reordering_rules(self, lines):
        """Lines whose product and site an Odoo reordering rule also replenishes:
        {line: rule}."""
        if not lines:
            return {}
        rules = (
            self.env["stock.warehouse.orderpoint"]
            .with_context(active_test=True)
            .search_fetch(
                [
                    ("product_id", "in", lines.product_id.ids),
                    ("location_id", "in", lines.location_id.ids),
                ],
                ["product_id", "location_id"],
            )
        )
        by_key = {(rule.product_id.id, rule.location_id.id): rule for rule in rules}
        return {
            line: by_key[key]
            for line in lines
            if (key := (line.product_id.id, line.location_id.id)) in by_key
        }

    @api.model
    def _open_proposals(self, agreements):
        """The open proposal of each agreement per site:
        {(agreement, site): document}."""
        proposals = {}
        for model in set(PROPOSAL_MODELS.values()):
            Model = self.env[model]
            for document in Model.search(Model._vmi_open_proposal_domain(agreements)):
                proposals[document.vmi_agreement_id, document.vmi_location_id] = (
                    document
                )
        return proposals

    def _sync_proposals(
        self,
        run,
        agreements,
        decisions_by_agreement,
        open_proposals,
        partial,
        delivery_dates,
    ):
        """Bring the open proposal of each agreement and site to the decided quantities.

        Open proposals are updated or withdrawn; the proposals of sites with
        none yet are created together, per document model and company. A line
        whose product cannot be ordered on the agreement's documents (not
        sellable, no price...) is left out with an error saying what to fix;
        the agreement's other lines are ordered.

        Each proposal changed gets one note naming the run and the quantities
        it changed, and its lines keep the reason of the decision behind their
        quantity.

        :param delivery_dates: ``{(agreement, site): datetime}`` the proposals of sites
            with delivery days are expected at
        :returns: list of event values
        """
        events = []
        changes = {}  # proposal -> [(product, quantity before, quantity now)]
        reasons = {}  # agreement line -> why its quantity
        to_create = defaultdict(
            list
        )  # (model, company) -> [(agreement, site, {line: quantity})]
        open_by_agreement = defaultdict(dict)
        for (proposal_agreement, site), proposal in open_proposals.items():
            open_by_agreement[proposal_agreement][site] = proposal
        for agreement in agreements:
            decisions = decisions_by_agreement.get(agreement, {})
            Model = self._proposal_model(agreement)
            unorderable = Model._vmi_unorderable_lines(
                self.env["vmi.agreement.line"].concat(
                    *(
                        line
                        for line, decision in decisions.items()
                        if decision.order_qty > 0
                    )
                )
            )
            for line, problem in unorderable.items():
                events.append(
                    run._prepare_event_vals(
                        "error",
                        self.env._(
                            "Not ordered at %(site)s: %(problem)s",
                            site=line.location_id.display_name,
                            problem=problem,
                        ),
                        line=line,
                    )
                )
            to_order = defaultdict(dict)
            for line, decision in decisions.items():
                if decision.order_qty > 0 and line not in unorderable:
                    to_order[line.location_id][line] = decision.order_qty
            reasons.update(
                (line, decision.reason) for line, decision in decisions.items()
            )
            scope = (
                self.env["vmi.agreement.line"].concat(*decisions) if partial else None
            )
            for site, proposal in open_by_agreement[agreement].items():
                if (agreement, site) in delivery_dates:
                    proposal._vmi_set_delivery_date(delivery_dates[agreement, site])
                events += self._update_proposal(
                    run,
                    agreement,
                    site,
                    proposal,
                    to_order.get(site, {}),
                    scope,
                    reasons,
                    changes,
                )
            for site, quantities in to_order.items():
                if site not in open_by_agreement[agreement]:
                    to_create[Model._name, agreement.company_id].append(
                        (agreement, site, quantities)
                    )
        for needs in to_create.values():
            proposals = self._proposal_model(needs[0][0])._vmi_create_proposals(
                needs, reasons
            )
            for (agreement, site, quantities), proposal in zip(
                needs, proposals, strict=False
            ):
                changes[proposal] = [
                    (line.product_id, 0.0, quantity)
                    for line, quantity in quantities.items()
                ]
                if (agreement, site) in delivery_dates:
                    proposal._vmi_set_delivery_date(delivery_dates[agreement, site])
                events += self._settle_proposal(
                    run, agreement, proposal, "order_created"
                )
        self.env["vmi.proposal.mixin"]._vmi_log_run_changes(run, changes)
        return events

    def _proposal_model(self, agreement):
        """The document model proposing the agreement's orders, in its company.

        The run log tells what was created or changed and why; each document
        gets one note per run (``_vmi_log_run_changes``), not a creation
        message or tracking per field and line.
        """
        return (
            self.env[PROPOSAL_MODELS[agreement._site_kind()]]
            .with_company(agreement.company_id)
            .with_context(mail_create_nolog=True, mail_notrack=True)
        )

    def _update_proposal(
        self,
        run,
        agreement,
        site,
        proposal,
        quantities,
        scope,
        reasons=None,
        changes=None,
    ):
        """Bring an open proposal to ``quantities``: withdraw it when nothing is left to
        order.

        A proposal the customer has answered is left as it is: its quantities are the
        customer's now.

        :param reasons: ``{agreement line: why its quantity}``
        :param changes: ``{proposal: [(product, before, now)]}`` the proposal's changes
            are added to
        :returns: list of event values
        """
        if proposal._vmi_answered():
            return [
                run._prepare_event_vals(
                    "skipped",
                    self.env._(
                        "%(document)s was answered by the customer (%(state)s): left "
                        "as it is.",
                        document=proposal.display_name,
                        state=dict(
                            proposal._fields[
                                "vmi_confirmation_state"
                            ]._description_selection(self.env)
                        )[proposal.vmi_confirmation_state],
                    ),
                    agreement,
                    document=proposal,
                )
            ]
        changed = proposal._vmi_set_quantities(quantities, scope=scope, reasons=reasons)
        if changes is not None:
            changes[proposal] = changed
        if not proposal._vmi_lines():
            proposal._vmi_cancel()
            return [
                run._prepare_event_vals(
                    "order_withdrawn",
                    self.env._(
                        "%(document)s withdrawn: stock at %(site)s no longer needs "
                        "replenishing.",
                        document=proposal.display_name,
                        site=site.display_name,
                    ),
                    agreement,
                    document=proposal,
                )
            ]
        if not changed:
            return []
        return self._settle_proposal(run, agreement, proposal, "order_updated")

    def _settle_proposal(self, run, agreement, proposal, kind):
        """Confirm a fresh or changed proposal, or leave it for the customer's
        confirmation, review or approval."""
        verb = {
            "order_created": self.env._("created"),
            "order_updated": self.env._("updated"),
        }[kind]
        waiting = None
        if agreement.confirmation_required and agreement.role == "vendor":
            proposal._vmi_request_confirmation(agreement)
            waiting = (
                "awaiting_confirmation",
                self.env._(
                    "%(document)s waits for the customer's confirmation until "
                    "%(deadline)s.",
                    document=proposal.display_name,
                    deadline=fields.Datetime.to_string(
                        proposal.vmi_confirmation_deadline
                    ),
                ),
            )
        elif proposal._vmi_needs_approval(agreement):
            proposal._vmi_request_approval(agreement)
            waiting = (
                "awaiting_approval",
                self.env._(
                    "%(document)s is worth more than the approval threshold: it waits "
                    "for a VMI Manager.",
                    document=proposal.display_name,
                ),
            )
        if waiting:
            return [
                run._prepare_event_vals(
                    kind,
                    self.env._(
                        "%(document)s %(verb)s.",
                        document=proposal.display_name,
                        verb=verb,
                    ),
                    agreement,
                    document=proposal,
                ),
                run._prepare_event_vals(*waiting, agreement, document=proposal),
            ]
        if proposal.vmi_approval_required:
            proposal._vmi_withdraw_approval_request()
        if agreement.order_mode == "confirm":
            proposal._vmi_confirm()
            message = self.env._(
                "%(document)s %(verb)s and confirmed.",
                document=proposal.display_name,
                verb=verb,
            )
        else:
            message = self.env._(
                "%(document)s %(verb)s, in draft for review.",
                document=proposal.display_name,
                verb=verb,
            )
        return [run._prepare_event_vals(kind, message, agreement, document=proposal)]

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------

    def _write_decisions(self, decisions, facts, now):
        """Store each line's decision and its explanation, in one UPDATE from column
        arrays.

        The ORM would write line by line; at tens of thousands of lines per
        run, one statement per chunk of lines keeps the evaluation linear and fast.
        These fields are read-only results with nothing computed from them.
        Each chunk's column arrays are made as it is written, so a run never
        holds the explanations of all its lines at once.
        """
        Line = self.env["vmi.agreement.line"]
        for chunk in split_every(WRITE_CHUNK, list(decisions)):
            results = [decisions[line] for line in chunk]
            statuses = [decision_status(decision) for decision in results]
            columns = {
                "id": ("int4", [line.id for line in chunk]),
                **{
                    f"last_{name}": (
                        "float8",
                        [getattr(decision, name) for decision in results],
                    )
                    for name in (
                        "on_hand",
                        "on_order",
                        "committed",
                        "position",
                        "demand_rate",
                        "safety_stock",
                        "trigger_level",
                        "target_level",
                        "order_qty",
                        "unallocated_qty",
                        "baseline_rate",
                        "customer_rate",
                    )
                },
                **Line._accuracy_columns([facts[line].accuracy for line in chunk]),
                "last_decision_reason": (
                    "varchar",
                    [decision.reason[:500] for decision in results],
                ),
                "last_decision": (
                    "jsonb",
                    [
                        json.dumps(line._decision_payload(decisions[line], facts[line]))
                        for line in chunk
                    ],
                ),
                "last_status": ("varchar", [status for status, __ in statuses]),
                "last_days_of_supply": ("float8", [days for __, days in statuses]),
            }
            names, arrays = unnest_columns(columns)
            self.env.cr.execute(
                SQL(
                    "UPDATE vmi_agreement_line AS line SET last_evaluation_date = %s, "
                    "%s FROM unnest(%s) AS v(%s) WHERE line.id = v.id",
                    now,
                    SQL(", ").join(
                        SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name))
                        for name in columns
                        if name != "id"
                    ),
                    arrays,
                    names,
                )
            )
        Line.invalidate_model(
            Line._decision_fields() + list(Line._accuracy_columns([]))
        )

    def _schedule_next_evaluation(
        self, agreements, now, scheduled, partial, review_by=None
    ):
        """Record the evaluation; a scheduled one plans the next review day of the
        agreements due by schedule.

        An agreement evaluated only because new data asked for it
        (``evaluation_requested``) keeps its schedule: the request is
        answered, the regular review still takes place. Any evaluation of all
        the lines answers the request.

        :param review_by: ``{agreement: datetime}``: the latest review that still makes
            a site's delivery after next (``_delivery_reviews``); the next review is no
            later than it
        """
        review_by = review_by or {}
        if not partial:
            agreements._answer_evaluation_request()
        for agreement in agreements:
            values = {"last_evaluation_date": now}
            if scheduled and (
                not agreement.date_next_evaluation
                or agreement.date_next_evaluation <= now
            ):
                values["date_next_evaluation"] = min(
                    agreement._next_evaluation_after(now),
                    review_by.get(agreement) or datetime.max,
                )
            agreement.write(values)
