"""Leaner tables for the evaluation's writes.

Lines no longer index their agreement (the unique constraint's index leads
with it), company, partner or status; daily stock levels keep neither an
access log nor their company and partner (both come from the agreement),
and index (agreement, date) together. Odoo keeps indexes and columns a
module no longer declares, and each of them costs a write per line at every
evaluation, so they are dropped here.
"""

from odoo.tools import SQL

OBSOLETE_INDEXES = (
    "vmi_agreement_line__agreement_id_index",
    "vmi_agreement_line__company_id_index",
    "vmi_agreement_line__commercial_partner_id_index",
    "vmi_agreement_line__last_status_index",
    "vmi_stock_level__line_id_index",
    "vmi_stock_level__agreement_id_index",
    "vmi_stock_level__date_index",
)
OBSOLETE_LEVEL_COLUMNS = (
    "company_id",
    "commercial_partner_id",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)


def migrate(cr, version):
    for index in OBSOLETE_INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
    cr.execute(
        SQL(
            "ALTER TABLE vmi_stock_level %s",
            SQL(", ").join(
                SQL("DROP COLUMN IF EXISTS %s", SQL.identifier(column))
                for column in OBSOLETE_LEVEL_COLUMNS
            ),
        )
    )
