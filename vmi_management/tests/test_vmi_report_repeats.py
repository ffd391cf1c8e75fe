from datetime import timedelta

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged

from .common import CommittedAgreementMixin
from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestReportRepeats(VmiIntakeCommon):
    """What makes two documents the same report, what a resend after a rejection does,
    and who may send."""

    def x12(self, period_end="20261123", report_id="", control="000000852"):
        """The sample 852 with another period end, report id (XQ04, none by default) and
        interchange control number; its transaction set is numbered 0001, as many
        translators number every one."""
        text = (
            self.sample("stock_852.x12")
            .decode()
            .replace(
                "XQ*H*20261117*20261123*RPT-20261123-01~",
                f"XQ*H*20261117*{period_end}{f'*{report_id}' if report_id else ''}~",
            )
        )
        return text.replace("000000852", control).encode()

    def receive_edi(self, payload):
        return self.receive(payload, source="edi", filename="")

    def chatter(self, report):
        return [message.body for message in report.message_ids]

    # ------------------------------------------------------------------
    # The same report
    # ------------------------------------------------------------------

    @freeze_time("2026-11-30 12:00:00")
    def test_weekly_852s_numbered_0001_are_two_reports(self):
        first, __ = self.receive_edi(self.x12("20261123"))
        second, repeated = self.receive_edi(self.x12("20261130", control="000000853"))
        self.assertFalse(
            repeated, "same ST02, no XQ04, but another interchange: next week's report"
        )
        self.assertNotEqual(second, first)
        self.assertEqual((first.state, second.state), ("processed", "processed"))
        self.assertEqual(
            (first.reference, second.reference),
            ("ACMECLINICS/000000852/852/0001", "ACMECLINICS/000000853/852/0001"),
        )

        again, repeated = self.receive_edi(self.x12("20261123").replace(b"~\n", b"~"))
        self.assertTrue(
            repeated,
            "the first interchange again, other line breaks: the same envelope",
        )
        self.assertEqual(again, first)
        self.assertEqual(
            self.env["vmi.stock.report"].search_count(
                [("agreement_id", "=", self.agreement.id)]
            ),
            2,
        )

    @freeze_time("2026-11-30 12:00:00")
    def test_edifact_without_document_number_is_told_by_its_envelope(self):
        text = (
            self.sample("stock_invrpt.edi")
            .decode()
            .replace("BGM+35+INV-20261124-01+9'", "BGM+35'")
        )
        first, __ = self.receive_edi(text.encode())
        second, repeated = self.receive_edi(text.replace("INV0001", "INV0002").encode())
        self.assertFalse(
            repeated, "message reference 1 both times, but another interchange"
        )
        self.assertEqual(
            (first.reference, second.reference),
            ("ACMECLINICS/INV0001/1", "ACMECLINICS/INV0002/1"),
        )
        self.assertEqual((first.state, second.state), ("processed", "processed"))

    # ------------------------------------------------------------------
    # Resent after a rejection
    # ------------------------------------------------------------------

    @freeze_time("2026-11-30 12:00:00")
    def test_corrected_document_after_a_rejection_is_processed_as_a_resend(self):
        whole = self.x12("20261123", report_id="RPT-47")
        truncated, __ = self.receive_edi(whole[: whole.index(b"GE*")])
        self.assertEqual(truncated.state, "rejected")
        self.assertIn("truncated", truncated.problems)

        corrected, repeated = self.receive_edi(whole)
        self.assertFalse(repeated, "the earlier copy applied nothing")
        self.assertNotEqual(corrected, truncated)
        self.assertEqual(corrected.state, "processed")
        self.assertEqual(corrected.resent_from_id, truncated)
        self.assertEqual(self.agreement.last_stock_report_date, corrected.date_as_of)
        self.assertIn(
            f"Resend of report {truncated.display_name}, which was rejected",
            self.chatter(corrected)[0],
        )
        self.assertIn(
            f"processed as report {corrected.display_name}", self.chatter(truncated)[0]
        )

        for copy in (whole, whole[: whole.index(b"GE*")]):
            again, repeated = self.receive_edi(copy)
            self.assertTrue(
                repeated, "RPT-47 was applied: neither copy is applied again"
            )
            self.assertEqual(again, corrected)
        self.assertEqual(
            self.env["vmi.stock.report"].search_count(
                [("agreement_id", "=", self.agreement.id)]
            ),
            2,
        )

    def test_same_bytes_after_a_rejection_are_processed_again(self):
        """Dated in the future when first sent (a sender's clock), the same bytes are
        valid days later: the payload's uniqueness holds only among reports not
        rejected."""
        payload = self.x12("20261123")
        with freeze_time("2026-11-20 12:00:00"):
            early, __ = self.receive_edi(payload)
        self.assertEqual(early.state, "rejected")
        self.assertRegex(early.line_ids[0].rejection_reason, "in the future")
        with freeze_time("2026-11-25 12:00:00"):
            resent, repeated = self.receive_edi(payload)
            self.assertFalse(repeated)
            self.assertEqual(
                (resent.state, resent.resent_from_id, resent.checksum),
                ("processed", early, early.checksum),
            )
            again, repeated = self.receive_edi(payload)
            self.assertEqual((again, repeated), (resent, True))

    # ------------------------------------------------------------------
    # Who may send
    # ------------------------------------------------------------------

    @freeze_time("2026-11-30 12:00:00")
    def test_edi_sender_must_be_one_of_the_partners_ids_when_set(self):
        partner = self.agreement.commercial_partner_id
        partner.vmi_edi_senders = "OTHERCO"
        foreign, __ = self.receive_edi(self.sample("stock_852.x12"))
        self.assertEqual(foreign.state, "rejected")
        self.assertEqual(
            foreign.problems,
            (
                "The document is sent by 'ACMECLINICS', not "
                f"by {partner.display_name}: its EDI sender ids are OTHERCO (X12 "
                "ISA06 and GS02, EDIFACT UNB sender). Send it under one of those ids, "
                "or have them added to the partner."
            ),
        )
        edifact, __ = self.receive_edi(self.sample("stock_invrpt.edi"))
        self.assertIn("sent by 'ACMECLINICS'", edifact.problems)
        partner.vmi_edi_senders = " otherco , acmeclinics"
        own, repeated = self.receive_edi(self.sample("stock_852.x12"))
        self.assertFalse(repeated)
        self.assertEqual(
            (own.state, own.problems, own.resent_from_id),
            ("processed", False, foreign),
            "one of its ids, whatever the case",
        )

        application = self.x12(control="000000900").replace(
            b"GS*PD*ACMECLINICS", b"GS*PD*ACME-APP"
        )
        self.assertIn(
            "sent by 'ACME-APP'",
            self.receive_edi(application)[0].problems,
            "GS02 is checked too",
        )

        partner.vmi_edi_senders = False
        edifact_again, __ = self.receive_edi(self.sample("stock_invrpt.edi"))
        self.assertEqual(
            edifact_again.state, "processed", "no ids set: any sender, as before"
        )

        partner.vmi_edi_senders = "OTHERCO"
        tabular, __ = self.receive(self.csv("FURN-0001,SITE-NORTH,12,5"))
        self.assertEqual(tabular.state, "processed", "a CSV names no EDI sender")

    # ------------------------------------------------------------------
    # The agreement's bookkeeping
    # ------------------------------------------------------------------

    def agreement_row_version(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT ctid FROM vmi_agreement WHERE id = %s", [self.agreement.id]
        )
        return self.env.cr.fetchone()[0]

    def test_a_report_leaves_the_agreement_row_alone(self):
        """The last data received and the request for an evaluation come from the
        reports: a report rewrites no agreement row (each rewrite is a new row version,
        with another ctid)."""
        version = self.agreement_row_version()
        now = fields.Datetime.now()
        report, __ = self.receive(
            self.csv("FURN-0001,SITE-NORTH,12,5"), as_of=now - timedelta(days=3)
        )
        self.assertEqual(self.agreement_row_version(), version)
        self.assertEqual(self.agreement.last_stock_report_date, report.date_as_of)
        self.assertTrue(self.agreement.evaluation_requested)
        self.assertFalse(self.agreement.is_data_stale)

        other = self.intake_agreement(
            self.other_customer,
            "customer_owned",
            barcodes=("OTHER-NORTH", "OTHER-SOUTH"),
        )
        silent = self.env["res.partner"].create(
            {"name": "Silent Stores", "is_company": True}
        )
        never = self.intake_agreement(
            silent, "customer_owned", barcodes=("NEVER-NORTH", "NEVER-SOUTH")
        )
        self.receive(
            self.csv("FURN-0001,OTHER-NORTH,4,"),
            agreement=other,
            as_of=now - timedelta(days=1),
        )
        Agreement = self.env["vmi.agreement"].with_context(active_test=False)
        agreements = [("id", "in", (self.agreement | other | never).ids)]
        self.assertEqual(
            Agreement.search(
                agreements, order="last_stock_report_date desc nulls last"
            ),
            other | self.agreement | never,
            'sorted by it (the portal\'s "Last data received")',
        )
        self.assertEqual(
            Agreement.search(
                agreements + [("last_stock_report_date", "<", now - timedelta(days=2))]
            ),
            self.agreement,
        )
        self.assertEqual(
            Agreement.search(agreements + [("last_stock_report_date", "=", False)]),
            never,
        )
        self.assertEqual(
            Agreement.search(agreements + [("is_data_stale", "=", True)]), never
        )

        self.env["vmi.replenishment"]._cron_evaluate()
        self.assertFalse(
            self.agreement.evaluation_requested, "answered by the evaluation"
        )
        self.assertFalse(report.evaluation_requested)


@tagged("post_install", "-at_install")
class TestConcurrentReports(CommittedAgreementMixin, TransactionCase):
    """Reports of one agreement on two real database connections, committing as HTTP
    workers do.

    The fixture is committed through its own cursor (the test transaction is
    invisible to other connections) and removed again afterwards.
    """

    def setUp(self):
        super().setUp()
        self.commit_agreement(
            "Concurrent Reporter",
            "customer_owned",
            {"name": "Concurrent Gauze", "default_code": "GAUZE-1"},
            barcode="CONCURRENT-SITE",
        )

    def receive(self, env, on_hand):
        return env["vmi.stock.report"]._receive(
            env["vmi.agreement"].browse(self.ids["agreement"]),
            f"product,location,on_hand\nGAUZE-1,CONCURRENT-SITE," f"{on_hand}".encode(),
            source="api",
            date_as_of=fields.Datetime.now() - timedelta(hours=1),
        )

    def test_same_new_payload_from_two_clients_at_once_is_answered_with_the_first(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a, env_b = (
                api.Environment(cr, SUPERUSER_ID, {}) for cr in (cr_a, cr_b)
            )
            env_b["vmi.stock.report"].search_count([])  # client B's snapshot starts now
            first, repeated = self.receive(env_a, 12)
            self.assertFalse(repeated)
            cr_a.commit()

            attempts = []

            def request():  # what an HTTP request to the API runs, once per attempt
                attempts.append(request)
                return self.receive(env_b, 12)

            report, repeated = retrying(request, env_b)
            self.assertEqual(
                len(attempts),
                2,
                "A's report is not in B's snapshot: B's first try fails to serialize",
            )
            self.assertTrue(
                repeated,
                "run again as an HTTP request is: answered with the first report",
            )
            self.assertEqual(report.id, first.id)

    def test_concurrent_duplicate_is_a_serialization_failure_not_a_unique_violation(
        self,
    ):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a, env_b = (
                api.Environment(cr, SUPERUSER_ID, {}) for cr in (cr_a, cr_b)
            )
            env_b["vmi.stock.report"].search_count([])
            self.receive(env_a, 12)
            cr_a.commit()
            with self.assertRaises(SerializationFailure):
                self.receive(env_b, 12)

    def test_reports_of_one_agreement_at_once_do_not_wait_for_each_other(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a, env_b = (
                api.Environment(cr, SUPERUSER_ID, {}) for cr in (cr_a, cr_b)
            )
            first, __ = self.receive(env_a, 12)
            env_a.flush_all()  # A holds whatever it locks, uncommitted
            cr_b.execute(
                "SET LOCAL lock_timeout = '2s'"
            )  # rather than wait for A (one thread runs both)
            second, __ = self.receive(env_b, 7)
            env_b.flush_all()
            cr_b.commit()
            cr_a.commit()
            self.assertEqual((first.state, second.state), ("processed", "processed"))
        with self.registry.cursor() as cr:
            agreement = api.Environment(cr, SUPERUSER_ID, {})["vmi.agreement"].browse(
                self.ids["agreement"]
            )
            self.assertTrue(agreement.last_stock_report_date)
            self.assertTrue(agreement.evaluation_requested)
            self.assertFalse(agreement.is_data_stale)
