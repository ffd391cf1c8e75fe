import json
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

from psycopg2.errors import LockNotAvailable, SerializationFailure, UniqueViolation

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..engine import decision_status, plan
from ..tools import field_values, in_engine_language, unnest_columns, young_gc_only

_logger = logging.getLogger(__name__)

BATCH_SIZE = 20  # agreements a step evaluates whole, at most
STEP_LINES = 4000  # lines a step holds at most (a site alone may hold more)
RUN_LOCK = 7_711_842_002  # advisory lock: one worker at a time starts a run
RUN_START_PARAM = "vmi_management.run_started"  # when the last scheduled run started
RETRY_BUSY = timedelta(minutes=1)  # a step whose agreement is held waits this long
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

    1. lock the agreements, so two evaluations never work on the same
       agreement at once. The scheduler starts a run of the agreements due by
       their schedule and of those whose new stock data asked for an
       evaluation (``evaluation_requested`` on the reports), cut into steps
       of a few thousand lines (``vmi.replenishment.step``) that cron workers
       claim one by one (``FOR NO KEY UPDATE SKIP LOCKED``) and commit each;
       "Evaluate now" claims its agreements at once, skipping those a step
       holds;
    2. gather every input for all lines of the step in a few grouped
       queries (``vmi.replenishment.data``);
    3. let the framework-free engine decide, line by line, with its reasons;
    4. bring each agreement's open proposal (sale order, purchase order or
       consignment transfer) per site to exactly the decided quantities:
       update the draft, create it, or withdraw it when the need is gone;
       then confirm it or leave it for review/approval;
    5. record the decisions on the lines, the stock levels, KPIs,
       exceptions and next evaluation, and the run in its log.

    Steps 2 to 5 run for a step's agreements in one savepoint; when anything
    fails, they are redone agreement by agreement, each in its own
    savepoint, and a failing agreement is logged, flagged and postponed
    without stopping the others. A large agreement is evaluated site by
    site, each site in one step, and closed (KPIs, its own exceptions, its
    next review) by a last step once all its sites are done.

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
    def _count_due(self, now):
        """How many agreements are still due, those other evaluations hold included."""
        self._flush_due_condition()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM vmi_agreement WHERE %s", self._due_condition(now))
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _claim(self, agreements):
        """Lock and return those of the running agreements this evaluation may work
        on, skipping those another evaluation holds.

        :returns: ``vmi.agreement`` records; empty when every candidate is held
                  by, or was just committed by, another evaluation.
        """
        self.env["vmi.agreement"].flush_model(["state"])
        try:
            with self.env.cr.savepoint():
                # a serialization failure is expected here, not worth an error in the
                # log
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM vmi_agreement WHERE state IN ('pilot', "
                        "'active') AND id IN %s ORDER BY id "
                        "FOR NO KEY UPDATE SKIP LOCKED",
                        tuple(agreements.ids) or (0,),
                    ),
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
        """Scheduled action: do the next step of the run under way, starting a run of
        the due agreements when none is, and report progress.

        A cron worker (``ir.cron._run_job``, which puts ``cron_id`` in the
        context) commits after each call and calls again, up to ten times and
        then as soon as it can, while the progress reported says steps remain:
        one step per call, so that every cron worker running this action (the
        scheduler and its helper workers, on this server or another one on the
        same database) shares the steps of one run, and a crash only loses the
        step in flight. "Run Manually" (``ir.cron.method_direct_trigger``, which
        adds a progress record but no ``cron_id``) calls once, in one
        transaction: there, steps follow each other until none is left or the
        time budget is spent, and the cron is triggered for the rest.

        Progress counts steps: those done by this call, and those still
        pending (with no run under way, the agreements due, each at least one
        step).
        """
        manual = (
            "ir_cron_progress_id" in self.env.context
            and "cron_id" not in self.env.context
        )
        started = time.monotonic()
        done = 0
        while True:
            now = fields.Datetime.now()
            worked = self._work_next_step(now, call_workers=not manual)
            done += worked
            remaining = self._count_remaining(now)
            if (
                not (manual and worked and remaining)
                or time.monotonic() - started > MANUAL_RUN_BUDGET
            ):
                break
        if manual and remaining:
            self.env.ref("vmi_management.ir_cron_vmi_replenishment").sudo()._trigger()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _work_next_step(self, now, call_workers=True):
        """Do one step of the run under way (starting one when none is), or finish
        the run when its last step is done.

        :param call_workers: have the other cron workers share a run started here
            (not when this transaction does the whole run)
        :returns: 1 when something was done, else 0 (nothing due, or every
            pending step held by another worker)
        """
        Run = self.env["vmi.replenishment.run"]
        run = Run._in_progress()
        if not run:
            run = self._start_run(now, call_workers)
            if not run:
                return 0
        try:
            with self.env.cr.savepoint():
                # a serialization failure is expected here when another worker has
                # just committed the step, not worth an error in the log
                step = self.env["vmi.replenishment.step"]._claim_next(run)
        except SerializationFailure:
            step = self.env["vmi.replenishment.step"]
        if step:
            if not self._do_step(step, now):
                return 0
        if not run._pending_steps():
            run._finish(now)
            return 1
        return 1 if step else 0

    @api.model
    def _count_remaining(self, now):
        """Steps still to do: those pending in the run under way, one to finish it
        when none is, or, with no run under way, the agreements due."""
        run = self.env["vmi.replenishment.run"]._in_progress()
        if run:
            return run._pending_steps() or 1
        return self._count_due(now)

    @api.model
    def _start_run(self, now, call_workers=True):
        """Start a run of the agreements due now, cut into steps; nothing when none is
        due or another worker has just started one.

        The run's supply plan is made first (``vmi.supply.plan._current``), and
        the other cron workers running this action are called to share the
        steps.
        """
        self._flush_due_condition()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM vmi_agreement WHERE %s "
                "ORDER BY date_next_evaluation NULLS FIRST, id",
                self._due_condition(now),
            )
        )
        agreements = self.env["vmi.agreement"].browse(
            row[0] for row in self.env.cr.fetchall()
        )
        if not agreements:
            return self.env["vmi.replenishment.run"]
        # one run under way at a time, started by one worker. One starting a run
        # while another does (the advisory lock), or whose snapshot predates a run
        # another has started (the start mark it updates: a serialization failure
        # here), leaves it to the other, without waiting
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", RUN_LOCK))
        if not self.env.cr.fetchone()[0]:
            return self.env["vmi.replenishment.run"]
        try:
            with self.env.cr.savepoint():
                self._mark_run_start(now)
                run = self.env["vmi.replenishment.run"].create(
                    {
                        "trigger": "scheduled",
                        "date_start": now,
                        "in_progress": True,
                        "agreement_count": len(agreements),
                    }
                )
                run.flush_recordset()
        except (UniqueViolation, SerializationFailure):
            _logger.info(
                "VMI replenishment: another worker has just started a run; "
                "leaving it to it."
            )
            return self.env["vmi.replenishment.run"]
        self.env["vmi.supply.plan"]._current(now)
        self.env["vmi.replenishment.step"].create(
            self._prepare_step_vals(run, agreements)
        )
        if call_workers:
            run._trigger_workers()
        return run

    def _mark_run_start(self, now):
        """Write when the last run started into one row every start updates, so that
        two workers' starts conflict even when neither sees the other's run."""
        self.env.cr.execute(
            SQL(
                "UPDATE ir_config_parameter SET value = %s, write_date = %s "
                "WHERE key = %s",
                fields.Datetime.to_string(now),
                now,
                RUN_START_PARAM,
            ),
            log_exceptions=False,
        )
        if not self.env.cr.rowcount:
            self.env["ir.config_parameter"].sudo().set_param(
                RUN_START_PARAM, fields.Datetime.to_string(now)
            )
            self.env["ir.config_parameter"].flush_model()

    def _evaluable_lines_domain(self, agreements, sites=None):
        """The lines an evaluation of these agreements (at these sites) decides: all
        of an active agreement, the pilot scope of an agreement in pilot."""
        domain = [
            ("agreement_id", "in", agreements.ids),
            "|",
            ("agreement_id.state", "=", "active"),
            ("in_pilot_scope", "=", True),
        ]
        if sites is not None:
            domain.append(("location_id", "in", sites.ids))
        return domain

    def _prepare_step_vals(self, run, agreements):
        """Cut the agreements into steps of at most :data:`STEP_LINES` lines.

        Agreements of up to that many lines are evaluated whole, up to
        :data:`BATCH_SIZE` of them together; a larger one is cut by site (sites
        packed in their order, a site never cut) and closed by a step of its
        own once its sites are done.
        """
        counts = defaultdict(dict)
        for agreement, site, count in self.env["vmi.agreement.line"]._read_group(
            self._evaluable_lines_domain(agreements),
            ["agreement_id", "location_id"],
            ["__count"],
        ):
            counts[agreement][site] = count
        vals, batch, batch_lines = [], [], 0
        for agreement in agreements:
            sites = counts.get(agreement, {})
            total = sum(sites.values())
            if total <= STEP_LINES:
                if batch and (
                    batch_lines + total > STEP_LINES or len(batch) >= BATCH_SIZE
                ):
                    vals.append(self._prepare_step_val(run, "agreements", batch))
                    batch, batch_lines = [], 0
                batch.append(agreement)
                batch_lines += total
                continue
            group, group_lines = [], 0
            for site, count in sites.items():
                if group and group_lines + count > STEP_LINES:
                    vals.append(
                        self._prepare_step_val(
                            run, "sites", [agreement], group, group_lines
                        )
                    )
                    group, group_lines = [], 0
                group.append(site)
                group_lines += count
            vals.append(
                self._prepare_step_val(run, "sites", [agreement], group, group_lines)
            )
            vals.append(self._prepare_step_val(run, "close", [agreement]))
        if batch:
            vals.append(
                self._prepare_step_val(run, "agreements", batch, lines=batch_lines)
            )
        return vals

    def _prepare_step_val(self, run, kind, agreements, sites=(), lines=0):
        return {
            "run_id": run.id,
            "kind": kind,
            "agreement_ids": [Command.set([agreement.id for agreement in agreements])],
            "location_ids": [Command.set([site.id for site in sites])],
            "planned_line_count": lines,
        }

    @api.model
    def _do_step(self, step, now):
        """Evaluate what the step covers and mark it done.

        Its agreements are locked first, without waiting: shared by the sites
        steps of one agreement (several workers do its sites at once), alone by
        the others, and so never evaluated at the same time by "Evaluate now".

        :returns: False when an agreement is held by another evaluation: the
            step stays pending for a next call
        """
        started = time.monotonic()
        run, agreements = step.run_id, step.agreement_ids
        if not self._lock_agreements(agreements, shared=step.kind == "sites"):
            run._trigger_workers(at=now + RETRY_BUSY)
            return False
        if step.kind == "agreements":
            results, failures = self._apply_by_agreement(
                agreements,
                lambda part: self._evaluate_agreements(
                    run, part, "scheduled", now, None
                ),
            )
            if failures:
                self._record_failures(run, failures, now)
            summary = {key: part for result in results for key, part in result.items()}
        elif step.kind == "sites":
            try:
                with self.env.cr.savepoint():
                    summary = self._evaluate_lines(
                        run, agreements, now, sites=step.location_ids
                    )
            except Exception as error:  # its agreement's close step records it
                _logger.info(
                    "VMI replenishment of %s failed", agreements.name, exc_info=True
                )
                summary = {
                    agreements.id: {"error": self._describe_error(agreements, error)}
                }
            step.results = summary
        else:
            parts = step._sites_results()
            errors = [part["error"] for part in parts if part.get("error")]
            if errors:
                self._record_failures(run, {agreements: "\n".join(errors)}, now)
            else:
                self._close_agreements(
                    agreements,
                    {agreements.id: self._add_summaries(parts)},
                    "scheduled",
                    now,
                    partial=False,
                )
            summary = {}
        step.write(
            {
                "state": "done",
                "duration": time.monotonic() - started,
                "line_count": sum(part.get("lines", 0) for part in summary.values()),
                "order_line_count": sum(
                    part.get("to_order", 0) for part in summary.values()
                ),
            }
        )
        return True

    @api.model
    def _lock_agreements(self, agreements, shared):
        """Lock the agreements for this transaction without waiting; False when
        another evaluation holds one."""
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM vmi_agreement WHERE id IN %s %s NOWAIT",
                        tuple(agreements.ids),
                        SQL("FOR SHARE" if shared else "FOR NO KEY UPDATE"),
                    ),
                    log_exceptions=False,
                )
        except (LockNotAvailable, SerializationFailure):
            _logger.info(
                "VMI replenishment: %s held by another evaluation; its step waits.",
                agreements.mapped("name"),
            )
            return False
        return True

    @api.model
    def _evaluate_now(self, agreements, lines=None):
        """Evaluate these agreements (or only ``lines`` of them) at once, whatever their
        schedule."""
        now = fields.Datetime.now()
        claimed = self._claim(agreements)
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
    @young_gc_only()
    def _evaluate(self, agreements, trigger, now, only_lines=None):
        """Evaluate the agreements in this transaction, as one run; a failing agreement
        never stops the others.

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
        if failures:
            self._record_failures(run, failures, now)
        summaries = [part for result in results for part in result.values()]
        run.write(
            {
                "duration": time.monotonic() - started,
                "agreement_count": len(agreements),
                "line_count": sum(part["lines"] for part in summaries),
                "order_line_count": sum(part["to_order"] for part in summaries),
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

    def _evaluate_agreements(self, run, agreements, trigger, now, only_lines):
        """Evaluate these agreements whole (or only ``only_lines`` of them) and close
        them.

        :returns: ``{agreement id: summary}`` (:meth:`_evaluate_lines`)
        """
        summary = self._evaluate_lines(run, agreements, now, only_lines)
        self._close_agreements(
            agreements, summary, trigger, now, partial=only_lines is not None
        )
        return summary

    @in_engine_language
    def _evaluate_lines(self, run, agreements, now, only_lines=None, sites=None):
        """Decide the lines of these agreements (at ``sites`` only, when given) and
        apply the decisions: proposals of those sites, the lines' results,
        their exceptions and the run's log.

        What the agreements need once all their lines are evaluated (KPIs,
        their own exceptions, the next review) is left to
        :meth:`_close_agreements`, with the summary returned here.

        :returns: ``{agreement id: {"lines", "to_order", "review_by", "kpi"}}``,
            JSON-able, so that a step can keep it for its agreement's close
        """
        decisions, facts, skipped = self._decide(agreements, now, only_lines, sites)
        events = [
            run._prepare_event_vals("skipped", message, line=line)
            for line, message in skipped
        ]
        decisions = self._allocate_supply(
            decisions,
            now,
            ample=self.env["vmi.supply.plan"]._open_ample_pools()
            if run.trigger == "scheduled"
            else frozenset(),
        )
        open_proposals = self._open_proposals(agreements, sites)
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
        self.env["vmi.exception"]._sync_line_exceptions(agreements, decisions, facts)
        self.env["vmi.replenishment.run.event"].create(events)
        kpi = (
            {}
            if partial
            else self.env["vmi.kpi.snapshot"]._period_totals(decisions, facts, now)
        )
        review_by = self._delivery_reviews(decisions, facts, now)
        return {
            agreement.id: {
                "lines": len(decisions_by_agreement[agreement]),
                "to_order": sum(
                    1
                    for decision in decisions_by_agreement[agreement].values()
                    if decision.order_qty > 0
                ),
                "review_by": fields.Datetime.to_string(review_by.get(agreement)),
                "kpi": kpi.get(agreement.id),
            }
            for agreement in agreements
        }

    @api.model
    def _add_summaries(self, parts):
        """One agreement's summary from those of the steps that evaluated its sites."""
        reviews = [part["review_by"] for part in parts if part["review_by"]]
        totals = [part["kpi"] for part in parts if part["kpi"]]
        return {
            "lines": sum(part["lines"] for part in parts),
            "to_order": sum(part["to_order"] for part in parts),
            "review_by": min(reviews) if reviews else False,
            "kpi": self.env["vmi.kpi.snapshot"]._add_period_totals(totals),
        }

    def _close_agreements(self, agreements, summary, trigger, now, partial):
        """What an evaluation of agreements ends with, once their lines are decided:
        their KPIs and own exceptions (when every line was), their next review.

        :param summary: ``{agreement id: summary}`` of all their lines
            (:meth:`_evaluate_lines`)
        """
        if not partial:
            self.env["vmi.kpi.snapshot"]._record(
                agreements,
                {key: part["kpi"] for key, part in summary.items() if part["kpi"]},
                now,
            )
            self.env["vmi.exception"]._sync_agreement_exceptions(agreements)
        self._schedule_next_evaluation(
            agreements,
            now,
            scheduled=trigger == "scheduled",
            partial=partial,
            review_by={
                agreement: fields.Datetime.to_datetime(part["review_by"])
                for agreement in agreements
                if (part := summary.get(agreement.id)) and part["review_by"]
            },
        )

    def _decide(self, agreements, now, only_lines=None, sites=None):
        """What the engine decides for the lines of these agreements, before any supply
        is allocated.

        Lines an Odoo reordering rule also replenishes, and customer-owned
        lines without any stock level yet, are skipped with the reason.

        :returns: ``({line: Decision}, {line: LineFacts},
            [(line, why it was skipped)])``
        """
        lines = self.env["vmi.agreement.line"].search(
            self._evaluable_lines_domain(agreements, sites)
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
                    lines._prepare_engine_inputs(facts),
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

        :param failures: ``{vmi.agreement: exception, or what went wrong}``
        """
        messages = {
            agreement: error
            if isinstance(error, str)
            else self._describe_error(agreement, error)
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
            line: by_key[product, site]
            for line, product, site in zip(
                lines,
                field_values(lines, "product_id"),
                field_values(lines, "location_id"),
                strict=True,
            )
            if (product, site) in by_key
        }

    @api.model
    def _open_proposals(self, agreements, sites=None):
        """The open proposal of each agreement per site (of ``sites`` only, when
        given): {(agreement, site): document}."""
        proposals = {}
        for model in set(PROPOSAL_MODELS.values()):
            Model = self.env[model]
            domain = Model._vmi_open_proposal_domain(agreements)
            if sites is not None:
                domain = [*domain, ("vmi_location_id", "in", sites.ids)]
            for document in Model.search(domain):
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
