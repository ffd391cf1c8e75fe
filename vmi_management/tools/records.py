"""Reading a field of thousands of records at once."""


def field_values(records, name):
    """Each record's value of the field ``name``, in the records' order: the id (or
    False) of a many2one, the value of any other field as ``record[name]`` gives it.

    A loop over a run's lines that reads ``line.product_id`` and the like pays
    the ORM's attribute access several times per line, which costs more than
    the work itself at hundreds of thousands of lines. This reads the
    values as the cache holds them, fetching (or computing) them for a
    prefetch batch at a time as the ORM does, and with the same access rights.
    """
    field = records._fields[name]
    cache = records.env.cache
    values = cache.get_until_miss(records, field)
    while len(values) < len(records):
        missing = records[len(values) :]
        # reads (or computes) the field for a prefetch batch of the missing records
        # (a record taken by iterating keeps its recordset's prefetch ids; ``[0]``
        # would not)
        next(iter(missing))[name]
        values += cache.get_until_miss(missing, field)
    if field.type == "many2one":
        return [value or False for value in values]
    return [field.convert_to_record(value, records) for value in values]
