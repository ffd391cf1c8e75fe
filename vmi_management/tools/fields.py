"""Number fields that keep "no value" apart from zero.

Odoo's ``Float`` and ``Integer`` turn None/False into 0 on the way to the
column, the cache and the record, so a figure that is undefined (a fill
rate without any demand) would read as a real 0 and weigh in every
average. These keep SQL NULL in the column and None in the record:
PostgreSQL's AVG and SUM skip NULL, so grouped reads, pivots and graphs
average only the defined values, and Python code cannot mistake None for
0 (``None < 95`` raises instead of reading as "off target"). The web
client receives False, which it shows as an empty cell.
"""

from odoo import fields


class _Optional:
    """What the optional number fields change in their base class: None (or False) stays
    None."""

    def convert_to_column(self, value, record, values=None, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_column(value, record, values, validate)

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return value

    def convert_to_read(self, value, record, use_display_name=True):
        return (
            False
            if value is None
            else super().convert_to_read(value, record, use_display_name)
        )

    def convert_to_export(self, value, record):
        return "" if value is None else value


class OptionalFloat(_Optional, fields.Float):
    """A ``Float`` that may have no value: NULL in the column, None on the record."""


class OptionalInteger(_Optional, fields.Integer):
    """An ``Integer`` that may have no value: NULL in the column, None on the record."""
