from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .common import CommittedAgreementMixin


@tagged("post_install", "-at_install")
class TestConcurrentReplenishment(CommittedAgreementMixin, TransactionCase):
    """Two evaluations on two real database connections, committing as cron workers do.

    The fixture is committed through its own cursor (the test transaction is
    invisible to other connections) and removed again afterwards.
    """

    def setUp(self):
        super().setUp()
        self.commit_agreement(
            "Concurrent Customer", "consignment", {"name": "Concurrent Gloves"}
        )

    def transfers(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            transfers = env["stock.picking"].search(
                [("vmi_agreement_id", "=", self.ids["agreement"])]
            )
            return [
                (picking.state, picking.move_ids.product_uom_qty)
                for picking in transfers
            ]

    def test_two_schedulers_at_once_leave_what_one_leaves(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            worker_a = api.Environment(cr_a, SUPERUSER_ID, {})["vmi.replenishment"]
            worker_b = api.Environment(cr_b, SUPERUSER_ID, {})["vmi.replenishment"]
            worker_b.env["vmi.agreement"].search_count(
                []
            )  # worker B's snapshot starts now

            # claims the agreement and proposes, not yet committed
            worker_a._cron_evaluate()
            worker_b._cron_evaluate()  # the agreement is locked: skipped
            cr_a.commit()
            worker_b._cron_evaluate()  # committed by A after B's snapshot: left to A
            worker_b._evaluate_now(
                worker_b.env["vmi.agreement"].browse(self.ids["agreement"])
            )
            cr_b.commit()
        self.assertEqual(self.transfers(), [("draft", 50.0)])

    def test_manual_evaluation_while_the_scheduler_works_is_refused_clearly(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            worker_a = api.Environment(cr_a, SUPERUSER_ID, {})["vmi.replenishment"]
            manual = api.Environment(cr_b, SUPERUSER_ID, {})["vmi.replenishment"]
            worker_a._cron_evaluate()
            run = manual._evaluate_now(
                manual.env["vmi.agreement"].browse(self.ids["agreement"])
            )
            self.assertEqual(run.agreement_count, 0)
            self.assertIn("Being evaluated by another run", run.event_ids.message)
            cr_b.commit()
            cr_a.commit()
        self.assertEqual(self.transfers(), [("draft", 50.0)])
