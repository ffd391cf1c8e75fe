"""Reading lines and demand history from CSV files, with errors a planner can fix.

Every problem names the file, the line number (the header is line 1) and
the column. All problems of a file are collected before anything is
returned, so a caller can refuse the whole input and write nothing.
"""

import csv
from collections import defaultdict
from datetime import date, timedelta

from .forecast import METHODS
from .types import LineInput
from .validation import validate_line

LINE_COLUMNS = (
    "product",
    "location",
    "on_hand",
    "on_order",
    "committed",
    "policy",
    "min_qty",
    "max_qty",
    "reorder_point",
    "order_qty",
    "target_days",
    "lead_time_days",
    "lead_time_std_days",
    "safety_stock",
    "service_level",
    "moq",
    "multiple",
    "capacity",
)
OPTIONAL_LINE_COLUMNS = (
    "lead_time_buffer_days",
    "safety_stock_days",
    "forecast_method",
    "rounding",
)
REQUIRED_LINE_COLUMNS = ("product", "location", "on_hand", "policy")
NUMBER_COLUMNS = tuple(
    name
    for name in LINE_COLUMNS + OPTIONAL_LINE_COLUMNS
    if name not in ("product", "location", "policy", "forecast_method")
)
DEMAND_COLUMNS = ("product", "location", "date", "quantity")
FORECAST_METHODS = (*METHODS, "auto")


class InputError(ValueError):
    """Bad input: ``problems`` lists ``file:line: column 'x': message`` strings."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def _rows(path):
    """(line number, row) pairs and the header; rows as dicts of stripped strings."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = [
            (
                reader.line_num,
                {key: (value or "").strip() for key, value in row.items() if key},
            )
            for row in reader
        ]
    return header, rows


def _missing_columns(path, header, required):
    return [
        f"{path}:1: missing column '{name}'" for name in required if name not in header
    ]


def _number(value, path, number, column, problems):
    if value == "":
        return None
    try:
        result = float(value)
    except ValueError:
        problems.append(
            f"{path}:{number}: column '{column}': '{value}' is not a number"
        )
        return None
    if result != result or result in (float("inf"), float("-inf")):
        problems.append(
            f"{path}:{number}: column '{column}': '{value}' is not a finite number"
        )
        return None
    if result < 0:
        problems.append(f"{path}:{number}: column '{column}': {value} is negative")
        return None
    return result


def read_lines(path, demand=None):
    """The lines of a LINES.csv file, with their demand history attached.

    Safety stock: a ``safety_stock`` quantity means a fixed safety stock;
    otherwise ``safety_stock_days`` means days of cover; otherwise a
    ``service_level`` means a statistical one. A service level is a fraction
    (0.95) or, above 1, a percentage (95).

    :param demand: ``{(product, location): tuple of daily quantities}``
    :raises InputError: listing every problem found
    """
    header, rows = _rows(path)
    problems = _missing_columns(path, header, REQUIRED_LINE_COLUMNS)
    if problems:
        raise InputError(problems)
    lines, seen = [], {}
    for number, row in rows:
        before = len(problems)
        values = {
            column: _number(row.get(column, ""), path, number, column, problems)
            for column in NUMBER_COLUMNS
        }
        key = (row["product"], row["location"])
        for column in ("product", "location"):
            if not row[column]:
                problems.append(f"{path}:{number}: column '{column}' is empty")
        if key in seen:
            problems.append(
                f"{path}:{number}: product '{key[0]}' at location '{key[1]}' is "
                f"already on line {seen[key]}"
            )
        seen.setdefault(key, number)
        method = row.get("forecast_method") or None
        if method and method not in FORECAST_METHODS:
            problems.append(
                f"{path}:{number}: column 'forecast_method': unknown method '{method}' "
                f"(expected {', '.join(FORECAST_METHODS)})"
            )
        if values["on_hand"] is None and row.get("on_hand", "") == "":
            problems.append(f"{path}:{number}: column 'on_hand' is empty")
        if len(problems) > before:
            continue
        service_level = values["service_level"]
        if service_level is not None and service_level > 1:
            service_level /= 100.0
        if values["safety_stock"] is not None:
            mode, value = "fixed", values["safety_stock"]
        elif values["safety_stock_days"] is not None:
            mode, value = "days", values["safety_stock_days"]
        else:
            mode, value = ("service_level" if service_level is not None else None), None
        line = LineInput(
            product=key[0],
            location=key[1],
            on_hand=values["on_hand"],
            policy=row["policy"],
            on_order=values["on_order"] or 0.0,
            committed=values["committed"] or 0.0,
            min_qty=values["min_qty"],
            max_qty=values["max_qty"],
            reorder_point=values["reorder_point"],
            order_qty=values["order_qty"],
            target_days=values["target_days"],
            lead_time_days=values["lead_time_days"] or 0.0,
            lead_time_buffer_days=values["lead_time_buffer_days"] or 0.0,
            lead_time_std_days=values["lead_time_std_days"] or 0.0,
            safety_stock_mode=mode,
            safety_stock_value=value,
            service_level=service_level,
            moq=values["moq"],
            multiple=values["multiple"],
            capacity=values["capacity"],
            rounding=values["rounding"],
            demand=(demand or {}).get(key, ()),
            forecast_method=method,
        )
        problems += [
            f"{path}:{number}: column '{field}': {message}"
            for field, message in validate_line(line)
        ]
        lines.append(line)
    if problems:
        raise InputError(problems)
    return lines


def read_demand(path, as_of=None):
    """Daily demand per (product, location) from a DEMAND.csv file.

    Days missing inside the history count as zero demand. The history ends
    the day before ``as_of`` (default: the day after the last date in the
    file, so the whole file is used); later rows are ignored.

    :returns: ``{(product, location): tuple of daily quantities}``, all
              series ending on the same day
    :raises InputError: listing every problem found
    """
    header, rows = _rows(path)
    problems = _missing_columns(path, header, DEMAND_COLUMNS)
    if problems:
        raise InputError(problems)
    quantities, seen = defaultdict(dict), {}
    for number, row in rows:
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            problems.append(
                f"{path}:{number}: column 'date': '{row['date']}' is not a date "
                "(YYYY-MM-DD)"
            )
            continue
        quantity = _number(row["quantity"], path, number, "quantity", problems)
        if row["quantity"] == "":
            problems.append(f"{path}:{number}: column 'quantity' is empty")
        key = (row["product"], row["location"], day)
        if key in seen:
            problems.append(
                f"{path}:{number}: {row['product']} at {row['location']} on {day} "
                f"is already on line {seen[key]}"
            )
        seen.setdefault(key, number)
        if quantity is not None:
            quantities[row["product"], row["location"]][day] = quantity
    if problems:
        raise InputError(problems)
    if not quantities:
        return {}
    end = (
        (as_of - timedelta(days=1))
        if as_of
        else max(max(days) for days in quantities.values())
    )
    start = min(min(days) for days in quantities.values())
    span = (end - start).days + 1
    return {
        key: tuple(
            days.get(start + timedelta(days=offset), 0.0) for offset in range(span)
        )
        for key, days in quantities.items()
    }
