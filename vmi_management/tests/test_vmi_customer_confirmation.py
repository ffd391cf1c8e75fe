import json
import re
from datetime import timedelta

from freezegun import freeze_time
from markupsafe import escape

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .intake_common import VmiIntakeCommon


@tagged("post_install", "-at_install")
class TestCustomerConfirmation(VmiIntakeCommon, HttpCase):
    """Co-managed inventory: the customer confirms or adjusts proposals in the portal or
    through the API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consignment = cls.create_running_agreement(
            partner_id=cls.customer.id,
            confirmation_required=True,
            confirmation_tolerance_percent=10.0,
            confirmation_hours=48,
        )  # min 10 / max 50 of gloves at one site: proposes 50
        cls.consignment.action_activate()
        cls.buyer = cls.portal_user(cls.customer, "confirming_buyer")
        cls.other_buyer = cls.portal_user(cls.other_customer, "other_buyer")
        cls.line = cls.consignment.line_ids

    def proposal(self):
        """The agreement's latest proposal."""
        return self.env["stock.picking"].search(
            [("vmi_agreement_id", "=", self.consignment.id)], order="id desc", limit=1
        )

    def proposed(self):
        self.evaluate(self.consignment)
        proposal = self.proposal()
        self.assertEqual(
            (proposal.state, proposal.vmi_confirmation_state), ("draft", "waiting")
        )
        return proposal

    # ------------------------------------------------------------------
    # The rules, on the records

    def test_a_proposal_waits_for_the_customer_who_is_told(self):
        run = self.evaluate(self.consignment)
        proposal = self.proposal()
        self.assertEqual(proposal.vmi_confirmation_state, "waiting")
        self.assertAlmostEqual(
            proposal.vmi_confirmation_deadline,
            fields.Datetime.now() + timedelta(hours=48),
            delta=timedelta(minutes=1),
        )
        self.assertIn(
            self.customer,
            proposal.message_ids.partner_ids,
            "the customer's company is notified",
        )
        self.assertIn(
            "waits for the customer's confirmation",
            self.events(run, "awaiting_confirmation").message,
        )

    def test_accepted_as_proposed(self):
        proposal = self.proposed()
        self.assertEqual(proposal._vmi_customer_answer({}, self.buyer), "confirmed")
        self.assertEqual(proposal.state, "assigned")
        self.assertEqual(proposal.move_ids.product_uom_qty, 50)
        self.assertIn("confirmed by confirming_buyer", proposal.message_ids[0].body)
        logged = self.env["vmi.replenishment.run.event"].search(
            [("kind", "=", "customer_answer")]
        )
        self.assertEqual(
            (logged.agreement_id, logged.run_id.trigger),
            (self.consignment, "customer"),
            "the answer is in the run log too",
        )

    def test_a_change_within_tolerance_applies(self):
        proposal = self.proposed()
        self.assertEqual(
            proposal._vmi_customer_answer({self.line: 46.0}, self.buyer), "confirmed"
        )
        self.assertEqual(
            (proposal.state, proposal.move_ids.product_uom_qty), ("assigned", 46)
        )
        self.assertIn("Gloves 50 → 46", proposal.message_ids[0].body)
        self.evaluate(self.consignment)
        self.assertEqual(
            self.proposal().move_ids.product_uom_qty,
            46,
            "the next evaluation counts it, never overrides",
        )
        self.assertEqual(self.line.last_on_order, 46)

    def test_a_change_beyond_tolerance_waits_for_the_vendor(self):
        proposal = self.proposed()
        self.assertEqual(
            proposal._vmi_customer_answer({self.line: 30.0}, self.buyer), "review"
        )
        self.assertEqual(
            (
                proposal.state,
                proposal.move_ids.product_uom_qty,
                proposal.move_ids.vmi_requested_qty,
            ),
            ("draft", 50, 30),
        )
        self.assertTrue(proposal.activity_ids, "on the responsible's list")
        run = self.evaluate(self.consignment)
        self.assertEqual(
            proposal.move_ids.product_uom_qty, 50, "the scheduler leaves it alone"
        )
        self.assertIn("answered by the customer", self.events(run, "skipped").message)
        with self.assertRaises(AccessError):
            proposal.with_user(self.vmi_user).action_vmi_accept_customer_quantities()
        proposal.with_user(self.vmi_manager).action_vmi_accept_customer_quantities()
        self.assertEqual(
            (proposal.state, proposal.move_ids.product_uom_qty), ("assigned", 30)
        )

    def test_the_deadline_accepts_or_hands_to_the_vendor(self):
        proposal = self.proposed()
        Agreement = self.env["vmi.agreement"]
        with freeze_time(fields.Datetime.now() + timedelta(hours=30)):
            Agreement._cron_confirmation_deadlines()
        self.assertTrue(proposal.vmi_confirmation_reminded)
        self.assertIn("Reminder", proposal.message_ids[0].body)
        with freeze_time(fields.Datetime.now() + timedelta(hours=49)):
            Agreement._cron_confirmation_deadlines()
        self.assertEqual(
            (proposal.vmi_confirmation_state, proposal.state), ("lapsed", "assigned")
        )

        self.consignment.confirmation_lapse = "vendor"
        self.line.write(
            {"min_qty": 60.0, "max_qty": 100.0}
        )  # 50 on order no longer enough: a new proposal
        second = self.proposed()
        with freeze_time(fields.Datetime.now() + timedelta(hours=49)):
            Agreement._cron_confirmation_deadlines()
        self.assertEqual(
            (second.vmi_confirmation_state, second.state), ("review", "draft")
        )

    # ------------------------------------------------------------------
    # The portal, as the customer's users use it

    def test_the_customer_confirms_in_the_portal(self):
        proposal = self.proposed()
        self.authenticate("confirming_buyer", "confirming_buyer-secret")
        path = f"/my/vmi/{self.consignment.id}/proposals"
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn(proposal.display_name, page.text)
        self.assertIn(
            str(escape(self.line.last_decision_reason)),
            page.text,
            "each line with its reason",
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            f"{path}/{proposal.id}",
            data={"csrf_token": token, f"qty_{self.line.id}": "47"},
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn("Confirmed by the customer", answer.text)
        self.assertEqual(
            (proposal.state, proposal.move_ids.product_uom_qty), ("assigned", 47)
        )

        bad = self.url_open(f"{path}/{proposal.id}", data={"csrf_token": token})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("no longer waits for your confirmation", bad.text)

    def test_another_customer_reaches_nothing(self):
        proposal = self.proposed()
        self.authenticate("other_buyer", "other_buyer-secret")
        path = f"/my/vmi/{self.consignment.id}/proposals"
        self.assertEqual(self.url_open(path).status_code, 404)
        token = re.search(
            r'csrf_token: "([^"]+)"', self.url_open("/my/vmi").text
        ).group(1)
        self.assertEqual(
            self.url_open(
                f"{path}/{proposal.id}", data={"csrf_token": token}
            ).status_code,
            404,
        )
        self.assertEqual(proposal.vmi_confirmation_state, "waiting")

    # ------------------------------------------------------------------
    # The API, for customers whose systems confirm

    def test_the_customers_system_confirms_through_the_api(self):
        proposal = self.proposed()
        key, other_key = self.api_key(self.buyer), self.api_key(self.other_buyer)
        listed = self.url_open(
            "/vmi/api/v1/proposals", headers={"Authorization": f"Bearer {key}"}
        ).json()
        self.assertEqual([entry["id"] for entry in listed["proposals"]], [proposal.id])
        self.assertEqual(listed["proposals"][0]["lines"][0]["quantity"], 50)
        self.assertEqual(
            self.url_open(
                "/vmi/api/v1/proposals",
                headers={"Authorization": f"Bearer {other_key}"},
            ).json(),
            {"proposals": []},
        )

        path = f"/vmi/api/v1/proposals/{proposal.id}"
        body = json.dumps({"lines": [{"line": self.line.id, "quantity": 20}]})
        self.assertEqual(
            self.url_open(
                path, data=body, headers={"Authorization": f"Bearer {other_key}"}
            ).status_code,
            404,
            "another customer's proposal does not exist for it",
        )
        bad = self.url_open(
            path,
            data=json.dumps({"lines": [{"line": self.line.id, "quantity": -3}]}),
            headers={"Authorization": f"Bearer {key}"},
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn(
            '"quantity" must be a number of units, 0 or more', bad.json()["error"]
        )
        # sent as curl -d sends it: labelled a form, read as the JSON it is
        answer = self.url_open(
            path,
            data=body,
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual(
            answer.json()["state"], "review", "20 instead of 50 is beyond 10 %"
        )

    def test_a_sale_order_proposal_too(self):
        agreement = self.create_running_agreement(
            partner_id=self.customer.id,
            ownership="customer_owned",
            confirmation_required=True,
            confirmation_tolerance_qty=5.0,
            confirmation_tolerance_percent=0.0,
        )
        agreement.action_activate()
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": agreement.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.gloves.id,
                            "location_id": agreement.line_ids.location_id.id,
                            "quantity_on_hand": 0.0,
                        },
                    )
                ],
            }
        )
        report.action_process()
        self.evaluate(agreement)
        order = agreement.sale_order_ids
        self.assertEqual(
            (order.state, order.vmi_confirmation_state), ("draft", "waiting")
        )
        self.assertEqual(
            order._vmi_customer_answer({agreement.line_ids: 54.0}, self.buyer),
            "confirmed",
            "4 more is within 5 units",
        )
        self.assertEqual((order.state, order.order_line.product_uom_qty), ("sale", 54))
