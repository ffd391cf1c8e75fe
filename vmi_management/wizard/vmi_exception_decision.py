from datetime import timedelta

from odoo import fields, models

DEFAULT_SNOOZE_DAYS = 7


class VmiExceptionDecision(models.TransientModel):
    """The dialog a planner acknowledges (with a note) or snoozes (until a day) open
    exceptions in."""

    _name = "vmi.exception.decision"
    _description = "Acknowledge or Snooze VMI Exceptions"

    exception_ids = fields.Many2many(
        "vmi.exception", string="Exceptions", required=True
    )
    mode = fields.Selection(
        [("acknowledge", "Acknowledge"), ("snooze", "Snooze")],
        required=True,
        default="acknowledge",
    )
    note = fields.Text(
        help="What is being done about it, for the other planners and the chatter."
    )
    snoozed_until = fields.Date(
        string="Snooze Until",
        default=lambda self: fields.Date.context_today(self)
        + timedelta(days=DEFAULT_SNOOZE_DAYS),
        help="The exceptions come back to the lists needing attention, and their "
        "to-dos, on this day.",
    )

    def action_apply(self):
        self.ensure_one()
        if self.mode == "acknowledge":
            self.exception_ids._acknowledge(self.note)
        else:
            self.exception_ids._snooze(self.snoozed_until)
            if self.note:
                for exception in self.exception_ids:
                    exception.message_post(body=self.note, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
