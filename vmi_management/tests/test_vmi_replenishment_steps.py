from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged

from .common import CommittedAgreementMixin, VmiCommon
from .test_vmi_replenishment import Crash

MODULE = "odoo.addons.vmi_management.models.vmi_replenishment"


def proposals_of(env, agreement_id):
    """The agreement's transfers, as ``{(site, product): [(state, quantity)]}``."""
    orders = {}
    for picking in env["stock.picking"].search(
        [("vmi_agreement_id", "=", agreement_id)]
    ):
        for move in picking.move_ids:
            orders.setdefault(
                (picking.vmi_location_id.name, move.product_id.name), []
            ).append((picking.state, move.product_uom_qty))
    return orders


def run_to_the_end(replenishment, calls=30):
    """Call the scheduled action as a cron worker does until no run is under way and
    nothing is due; returns the number of calls."""
    for call in range(1, calls + 1):
        replenishment._cron_evaluate()
        if not replenishment.env["vmi.replenishment.run"]._in_progress() and (
            not replenishment._count_due(fields.Datetime.now())
        ):
            return call
    raise AssertionError("the run did not end")


@tagged("post_install", "-at_install")
class TestReplenishmentSteps(VmiCommon):
    """A scheduled run cut into steps of a few lines gives what one unsplit run
    gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.create_agreement()
        cls.agreement.action_create_site_locations()
        cls.site_a, cls.site_b = cls.agreement.location_ids.sorted("name")
        cls.agreement.line_ids = [
            Command.create(
                cls.line_vals(cls.agreement, product_id=product.id, location_id=site.id)
            )
            for site in (cls.site_a, cls.site_b)
            for product in (cls.gloves, cls.masks, cls.wipes)
        ]
        # some lines are stocked enough, some are not
        cls.add_stock(cls.gloves, cls.site_a, 30.0)
        cls.add_stock(cls.masks, cls.site_b, 4.0)
        cls.agreement.action_activate()
        cls.small = cls.create_running_agreement(partner_id=cls.other_customer.id)
        cls.small.action_activate()
        cls.Replenishment = cls.env["vmi.replenishment"]

    def outcome(self):
        """Everything a run leaves that a planner or the customer sees."""
        self.env.invalidate_all()
        agreement = self.agreement
        return {
            "orders": proposals_of(self.env, agreement.id),
            "small orders": proposals_of(self.env, self.small.id),
            "decisions": [
                (
                    line.location_id.name,
                    line.product_id.name,
                    line.last_order_qty,
                    line.last_decision_reason,
                    line.last_status,
                )
                for line in agreement.line_ids.sorted("id")
            ],
            "next review": agreement.date_next_evaluation,
            "evaluated": agreement.last_evaluation_date is not False,
            "kpis": [
                agreement[f"kpi_{name}"]
                for name in ("fill_rate", "days_of_supply", "stockout_days")
            ],
            "snapshots": self.env["vmi.kpi.snapshot"].search_count(
                [("agreement_id", "=", agreement.id)]
            ),
            "exceptions": sorted(
                (exception.kind, exception.line_id.id, exception.message)
                for exception in self.env["vmi.exception"].search(
                    [("agreement_id", "=", agreement.id), ("state", "=", "open")]
                )
            ),
        }

    def evaluate_with_steps_of(self, lines):
        with patch(f"{MODULE}.STEP_LINES", lines):
            run_to_the_end(self.Replenishment)
        return self.outcome()

    def test_a_large_agreement_split_by_site_gives_the_orders_of_one_unsplit_run(self):
        with self.env.cr.savepoint(flush=True) as savepoint:
            whole = self.evaluate_with_steps_of(100)
            steps = self.env["vmi.replenishment.step"].search([])
            self.assertEqual(steps.mapped("kind"), ["agreements"], "one step, unsplit")
            savepoint.rollback()
        self.env.invalidate_all()

        split = self.evaluate_with_steps_of(3)

        steps = self.env["vmi.replenishment.step"].search([])
        self.assertEqual(
            [(step.kind, step.planned_line_count) for step in steps],
            [("sites", 3), ("sites", 3), ("close", 0), ("agreements", 1)],
            "each site of the large agreement in a step of its own, then its close",
        )
        self.assertEqual(steps.mapped("state"), ["done"] * 4)
        self.assertEqual(split, whole)
        self.assertEqual(
            split["orders"],
            {
                (self.site_a.name, "Masks"): [("draft", 50.0)],
                (self.site_a.name, "Wipes"): [("draft", 50.0)],
                (self.site_b.name, "Gloves"): [("draft", 50.0)],
                (self.site_b.name, "Masks"): [("draft", 46.0)],
                (self.site_b.name, "Wipes"): [("draft", 50.0)],
            },
        )
        self.assertTrue(split["evaluated"])
        self.assertEqual(split["snapshots"], whole["snapshots"])
        run = steps.run_id
        self.assertEqual(len(run), 1, "one run, shared by the steps")
        self.assertFalse(run.in_progress)
        self.assertEqual(run.agreement_count, 2)
        self.assertEqual(run.line_count, 7)
        self.assertEqual(run.order_line_count, 6)
        self.assertEqual(run.created_count, 3, "one transfer per site")

    def test_a_failing_site_fails_its_agreement_once_the_others_are_done(self):
        gather = type(self.env["vmi.replenishment.data"])._gather
        site_b = self.site_b

        def failing_at_site_b(data, lines, now):
            if site_b in lines.location_id:
                raise ValueError("unreadable stock")
            return gather(data, lines, now)

        with patch.object(
            type(self.env["vmi.replenishment.data"]), "_gather", failing_at_site_b
        ):
            self.evaluate_with_steps_of(3)

        run = self.env["vmi.replenishment.run"].search([], limit=1)
        failure = self.env["vmi.exception"].search(
            [
                ("agreement_id", "=", self.agreement.id),
                ("kind", "=", "evaluation_failed"),
                ("state", "=", "open"),
            ]
        )
        self.assertIn("unreadable stock", failure.message)
        self.assertEqual(
            self.events(run, "error").agreement_id, self.agreement, failure.message
        )
        self.assertEqual(
            set(proposals_of(self.env, self.agreement.id)),
            {(self.site_a.name, "Masks"), (self.site_a.name, "Wipes")},
            "the site that could be evaluated is replenished",
        )
        self.assertGreater(
            self.agreement.date_next_evaluation,
            run.date_start,
            "postponed: not due again in this run",
        )
        self.assertFalse(run.in_progress)

    def test_crash_mid_step_then_resume_leaves_one_runs_orders(self):
        Replenishment = type(self.Replenishment)
        with patch(f"{MODULE}.STEP_LINES", 3):
            self.Replenishment._cron_evaluate()  # starts the run, does site A
            with (
                patch.object(Replenishment, "_write_decisions", side_effect=Crash),
                self.assertRaises(Crash),
                self.env.cr.savepoint(),
            ):
                # dies in the middle of site B's step: rolled back
                self.Replenishment._cron_evaluate()
            pending = self.env["vmi.replenishment.step"].search(
                [("state", "=", "pending")]
            )
            self.assertEqual(pending.mapped("kind"), ["sites", "close", "agreements"])
            run_to_the_end(self.Replenishment)
        self.assertEqual(
            {key: len(moves) for key, moves in self.outcome()["orders"].items()},
            dict.fromkeys(
                [
                    (self.site_a.name, "Masks"),
                    (self.site_a.name, "Wipes"),
                    (self.site_b.name, "Gloves"),
                    (self.site_b.name, "Masks"),
                    (self.site_b.name, "Wipes"),
                ],
                1,
            ),
        )
        self.assertEqual(self.env["vmi.replenishment.run"].search_count([]), 1)

    def test_evaluate_now_on_a_large_agreement_leaves_it_to_the_steps(self):
        run_to_the_end(self.Replenishment)  # nothing due any more
        self.assertFalse(self.agreement.date_next_evaluation <= fields.Datetime.now())
        cron = self.env.ref("vmi_management.ir_cron_vmi_replenishment")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with patch(f"{MODULE}.STEP_LINES", 3):
            action = self.agreement.with_user(self.vmi_manager).action_evaluate_now()
            self.assertEqual(action["tag"], "display_notification")
            self.assertIn("6 lines", action["params"]["message"])
            self.assertGreater(
                self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
                triggers,
                "the scheduler is called at once",
            )
            run_to_the_end(self.Replenishment)
        run = self.env["vmi.replenishment.run"].search([], limit=1)
        self.assertEqual(
            run.step_ids.mapped("kind"), ["sites", "sites", "close"], "in steps"
        )
        self.assertEqual(run.step_ids.agreement_ids, self.agreement)


@tagged("post_install", "-at_install")
class TestTwoWorkersShareARun(CommittedAgreementMixin, TransactionCase):
    """Two cron workers on two real database connections share one run's steps."""

    def setUp(self):
        super().setUp()
        self.commit_agreement(
            "Two Workers Customer", "consignment", {"name": "Two Workers Gloves"}
        )
        # four more sites, each with the same line
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            agreement = env["vmi.agreement"].browse(self.ids["agreement"])
            env["res.partner"].create(
                [
                    {
                        "name": f"Store {number}",
                        "type": "delivery",
                        "parent_id": self.ids["partner"],
                    }
                    for number in range(1, 5)
                ]
            )
            agreement.action_create_site_locations()
            self.site_ids = agreement.location_ids.ids
            agreement.line_ids = [
                Command.create(
                    {
                        "product_id": self.ids["product"],
                        "location_id": site_id,
                        "policy": "min_max",
                        "min_qty": 10.0,
                        "max_qty": 50.0,
                    }
                )
                for site_id in self.site_ids
                if site_id != self.ids["site"]
            ]
        self.addCleanup(self._remove_sites_and_runs)

    def _remove_sites_and_runs(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["vmi.replenishment.step"].search(
                [("agreement_ids", "in", self.ids["agreement"])]
            ).run_id.unlink()
            sites = env["stock.location"].browse(
                set(self.site_ids) - {self.ids["site"]}
            )
            env["stock.picking"].search([("vmi_location_id", "in", sites.ids)]).unlink()
            env["vmi.agreement.line"].search(
                [("location_id", "in", sites.ids)]
            ).unlink()
            partners = sites.vmi_partner_id
            sites.unlink()
            partners.unlink()

    def worker(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["vmi.replenishment"]

    def test_two_workers_do_the_steps_of_one_run_and_leave_one_runs_orders(self):
        with patch(f"{MODULE}.STEP_LINES", 2):
            with self.registry.cursor() as cr:
                self.worker(cr)._cron_evaluate()  # starts the run: sites 1 and 2
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                self.worker(cr_a)._cron_evaluate()  # claims sites 3 and 4
                self.worker(cr_b)._cron_evaluate()  # skips it, takes site 5
                with self.registry.cursor() as cr_c:
                    # both steps held: the close must wait for them
                    worker_c = self.worker(cr_c)
                    worker_c._cron_evaluate()
                    self.assertEqual(
                        worker_c.env["vmi.replenishment.step"]
                        .search([("state", "=", "pending")])
                        .mapped("kind"),
                        ["sites", "sites", "close"],
                    )
                cr_a.commit()
                cr_b.commit()
            with self.registry.cursor() as cr:
                worker = self.worker(cr)
                worker._cron_evaluate()  # closes the agreement and the run
                steps = worker.env["vmi.replenishment.step"].search(
                    [("agreement_ids", "in", self.ids["agreement"])]
                )
                self.assertEqual(
                    [(step.kind, step.state) for step in steps],
                    [("sites", "done")] * 3 + [("close", "done")],
                )
                self.assertFalse(steps.run_id.in_progress)
                self.assertEqual(steps.run_id.line_count, 5)
                orders = proposals_of(worker.env, self.ids["agreement"])
                agreement = worker.env["vmi.agreement"].browse(self.ids["agreement"])
                self.assertTrue(agreement.last_evaluation_date)
        self.assertEqual(len(orders), 5)
        self.assertEqual(
            sorted(orders.values()), [[("draft", 50.0)]] * 5, "one transfer per site"
        )
