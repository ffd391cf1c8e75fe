"""Bulk writes the ORM would make row by row, kept to parameterised SQL."""
from odoo.tools import SQL


def unnest_columns(columns):
    """The pieces of an ``INSERT ... SELECT * FROM unnest(...)`` of rows given column by column.

    One array parameter per column keeps a statement of 100,000 rows to a
    handful of parameters, where a VALUES list would build one SQL object
    per row.

    :param columns: ``{column name: (PostgreSQL type, list of values)}``, all lists of the same length
    :returns: ``(column list, unnest arguments)`` as :class:`~odoo.tools.SQL`
    """
    return (
        SQL(", ").join(SQL.identifier(name) for name in columns),
        SQL(", ").join(SQL("%s::%s[]", values, SQL(kind)) for kind, values in columns.values()),
    )
