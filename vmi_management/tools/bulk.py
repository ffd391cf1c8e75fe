"""Bulk writes the ORM would make row by row, kept to parameterised SQL."""

from odoo.tools import SQL


def _quote(text):
    """An array element in double quotes, so commas, braces, quotes and spaces stay
    data."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# How each column type's values are written in an array literal; None (and
# False, Odoo's empty value, except in boolean columns) is NULL.
_ELEMENT = {
    "bool": lambda value: "t" if value else "f",
    "int4": str,
    # repr round-trips a float exactly; PostgreSQL reads inf and nan too
    "float8": repr,
    "date": lambda value: value.isoformat(),
}


def array_literal(kind, values):
    """PostgreSQL's text form of a one-dimensional array of ``kind`` values, e.g.
    ``{1,2,NULL}``.

    Sent as one string parameter, an array costs the server one literal to
    read: psycopg2 sends a Python list as ``ARRAY[...]`` with an expression
    per element, which is several times slower to build and to parse for
    thousands of elements.

    :param str kind: PostgreSQL type of the elements; any type not known here
        (varchar, jsonb, ...) is written as quoted text
    """
    element = _ELEMENT.get(kind, _quote)
    null_if_false = kind != "bool"
    return (
        "{"
        + ",".join(
            "NULL"
            if value is None or (value is False and null_if_false)
            else element(value)
            for value in values
        )
        + "}"
    )


def unnest_columns(columns):
    """The pieces of an ``INSERT ... SELECT * FROM unnest(...)`` of rows given column by
    column.

    One array parameter per column keeps a statement of 100,000 rows to a
    handful of parameters, where a VALUES list would build one SQL object
    per row.

    :param columns: ``{column name: (PostgreSQL type, list of values)}``, all lists of
        the same length
    :returns: ``(column list, unnest arguments)`` as :class:`~odoo.tools.SQL`
    """
    return (
        SQL(", ").join(SQL.identifier(name) for name in columns),
        SQL(", ").join(
            SQL("%s::%s[]", array_literal(kind, values), SQL(kind))
            for kind, values in columns.values()
        ),
    )
