from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestVmiAgreementWorkflow(VmiCommon):
    @classmethod
    def default_env_context(cls):
        return {}  # status changes are tracked in the chatter

    def flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_reference_from_sequence(self):
        first, second = self.create_agreement(), self.create_agreement()
        self.assertRegex(first.name, r"^VMI/\d{4}$")
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(first.state, "draft")
        copy = first.copy()
        self.assertNotIn(
            copy.name, (first.name, second.name), "a copy gets its own reference"
        )

    @freeze_time("2026-03-10")
    def test_full_lifecycle(self):
        agreement = self.create_running_agreement(review_interval_months=2)
        agreement.line_ids.in_pilot_scope = True
        self.flush_tracking()
        manager_view = agreement.with_user(self.vmi_manager)

        manager_view.action_start_pilot()
        self.flush_tracking()
        self.assertEqual(agreement.state, "pilot")
        self.assertEqual(agreement.date_start, date(2026, 3, 10))
        self.assertEqual(agreement.date_next_review, date(2026, 5, 10))

        manager_view.action_activate()
        self.flush_tracking()
        self.assertEqual(agreement.state, "active")
        manager_view.action_suspend()
        self.flush_tracking()
        self.assertEqual(agreement.state, "suspended")
        manager_view.action_resume()
        self.flush_tracking()
        self.assertEqual(agreement.state, "active")
        manager_view.action_terminate()
        self.flush_tracking()
        self.assertEqual(agreement.state, "terminated")
        self.assertEqual(agreement.date_end, date(2026, 3, 10))
        self.assertFalse(agreement.date_next_review)

        tracked = agreement.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(
            len(tracked), 5, "each status change is tracked in the chatter"
        )

    def test_pilot_back_to_draft_by_user(self):
        agreement = self.create_running_agreement()
        agreement.line_ids.in_pilot_scope = True
        agreement.with_user(self.vmi_manager).action_start_pilot()
        agreement.with_user(self.vmi_user).action_reset_to_draft()
        self.assertEqual(agreement.state, "draft")

    def test_forbidden_transitions_explain_why(self):
        agreement = self.create_running_agreement()
        with self.assertRaisesRegex(
            UserError, "is Draft: it cannot become Active.*Suspended"
        ):
            agreement.action_resume()
        agreement.action_activate()
        with self.assertRaisesRegex(UserError, "is Active: it cannot become Pilot"):
            agreement.action_start_pilot()
        agreement.action_terminate()
        for action in (
            "action_activate",
            "action_suspend",
            "action_resume",
            "action_terminate",
        ):
            with self.assertRaisesRegex(UserError, "is Terminated"):
                getattr(agreement, action)()

    def test_activation_needs_sites_and_lines(self):
        agreement = self.create_agreement()
        with self.assertRaisesRegex(UserError, "has no site location"):
            agreement.action_activate()
        agreement.action_create_site_locations()
        with self.assertRaisesRegex(UserError, "has no line"):
            agreement.action_activate()
        agreement.line_ids = [(0, 0, self.line_vals(agreement))]
        with self.assertRaisesRegex(UserError, "no line in its pilot scope"):
            agreement.action_start_pilot()
        agreement.action_activate()
        self.assertEqual(agreement.state, "active")

    def test_approval_is_for_managers(self):
        agreement = self.create_running_agreement().with_user(self.vmi_user)
        for action in ("action_start_pilot", "action_activate", "action_terminate"):
            with self.assertRaisesRegex(AccessError, "Only a VMI Manager"):
                getattr(agreement, action)()
        self.assertEqual(agreement.state, "draft")

    def test_only_drafts_can_be_deleted(self):
        agreement = self.create_running_agreement()
        agreement.action_activate()
        with self.assertRaisesRegex(UserError, "Only draft agreements can be deleted"):
            agreement.unlink()
        draft = self.create_agreement()
        draft.with_user(self.vmi_manager).unlink()
        self.assertFalse(draft.exists())

    def test_agreement_constraints(self):
        with self.assertRaisesRegex(ValidationError, "ends on .* before it starts"):
            self.create_agreement(date_start="2026-05-01", date_end="2026-04-30")
        with self.assertRaisesRegex(
            ValidationError, "target fill rate must be a percentage"
        ):
            self.create_agreement(target_fill_rate=120.0)
        with self.assertRaisesRegex(
            ValidationError, "every N days, so N must be at least 1"
        ):
            self.create_agreement(review_interval_days=0)
        with self.assertRaisesRegex(ValidationError, "tick at least one weekday"):
            self.create_agreement(replenishment_frequency="weekdays")
        with self.assertRaisesRegex(
            ValidationError, "cannot be negative: .*Maximum Data Age"
        ):
            self.create_agreement(max_data_age_days=-1)
        weekly = self.create_agreement(
            replenishment_frequency="weekdays", review_monday=True, review_thursday=True
        )
        self.assertEqual(weekly._review_weekdays(), [0, 3])

    def test_form_labels_partner_by_role_and_keeps_defaults(self):
        form = Form(self.env["vmi.agreement"].with_user(self.vmi_user))
        form.partner_id = self.customer
        agreement = form.save()
        self.assertEqual(agreement.role, "vendor")
        self.assertEqual(agreement.ownership, "customer_owned")
        self.assertEqual(agreement.company_id, self.company)
        self.assertEqual(agreement.warehouse_id, self.warehouse)
        self.assertEqual(agreement.user_id, self.vmi_user)
        self.assertEqual(agreement.target_fill_rate, 95.0)
