"""Grouped readings as plain values, for the readings of tens of thousands of groups."""

from odoo.tools import SQL


def read_group_rows(model, domain, groupby, aggregates):
    """What ``model._read_group(domain, groupby, aggregates)`` reads, as plain database
    values.

    The domain, access rules, grouping and aggregates are the ORM's own; only
    the post-processing is left out: a many2one comes back as an id (or
    None), a ``date:day`` group as the start of the day (a datetime). At a
    group per product, location and day, making records of every row took
    most of the time and memory of the whole reading.

    :returns: list of tuples, the groups' values then the aggregates, per group
    """
    model.browse().check_access("read")
    query = model._search(domain)
    groups = [model._read_group_groupby(spec, query) for spec in groupby]
    query.groupby = SQL(", ").join(groups)
    return model.env.execute_query(
        query.select(
            *groups, *(model._read_group_select(spec, query) for spec in aggregates)
        )
    )
