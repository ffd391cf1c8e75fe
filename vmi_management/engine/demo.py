"""A demo on the embedded sample: what the engine decides, suggests and would have done.

Twelve product × site lines of three customers (a clinic, a hardware store,
a kitchen), 90 days of daily consumption each.
"""

from contextlib import ExitStack

from .csv_io import read_demand, read_lines
from .formatting import format_number, format_qty
from .policies import plan
from .simulate import simulate
from .suggest import apply_suggestion, suggest_thresholds

REVIEW_DAYS = 7
WARMUP_DAYS = 28


def _table(out, headers, rows, aligns):
    widths = [
        max(len(str(cell)) for cell in column)
        for column in zip(headers, *rows, strict=False)
    ]
    for row in (headers, *rows):
        cells = [
            f"{cell:{align}{width}}"
            for cell, width, align in zip(row, widths, aligns, strict=False)
        ]
        out.write("  ".join(cells).rstrip() + "\n")


def _q(value, rounding):
    """A quantity as the explanations write it, at its unit's precision, so a table
    reads as the reasons beside it."""
    return "-" if value is None else format_qty(value, rounding)


def run_demo(out):
    from .cli import sample_paths

    with ExitStack() as stack:
        lines_path, demand_path = (stack.enter_context(path) for path in sample_paths())
        lines = read_lines(lines_path, read_demand(demand_path))
    decisions = plan(lines)
    out.write(
        f"VMI replenishment plan for the embedded sample: {len(lines)} lines, "
        f"{len(lines[0].demand)} days of consumption each.\n\n"
    )
    _table(
        out,
        ("product", "site", "policy", "position", "trigger", "order", "why"),
        [
            (
                d.product,
                d.location,
                d.policy,
                _q(d.position, line.rounding),
                _q(d.trigger_level, line.rounding),
                _q(d.order_qty, line.rounding),
                d.reason,
            )
            for d, line in zip(decisions, lines, strict=True)
        ],
        ("<", "<", "<", ">", ">", ">", "<"),
    )
    ordering = [d for d in decisions if d.order_qty > 0]
    out.write(
        f"\n{len(ordering)} of {len(decisions)} lines need replenishing, "
        f"{sum(d.order_qty for d in ordering):,.0f} units in all.\n\n"
    )

    out.write(
        f"Suggested thresholds (service level, lead time and {REVIEW_DAYS}-day "
        "reviews), and what each setting would have achieved over the last "
        f"{len(lines[0].demand) - WARMUP_DAYS} days:\n\n"
    )
    rows = []
    for line in lines:
        suggestion = suggest_thresholds(line, REVIEW_DAYS)
        current = simulate(line, line.demand, review_days=1, warmup_days=WARMUP_DAYS)
        suggested = simulate(
            apply_suggestion(line, suggestion),
            line.demand,
            review_days=1,
            warmup_days=WARMUP_DAYS,
        )
        rounding = line.rounding
        thresholds = (
            f"{_q(suggestion.min_qty, rounding)}/{_q(suggestion.max_qty, rounding)}"
            if line.policy == "min_max"
            else f"{_q(suggestion.reorder_point, rounding)}/"
            f"{_q(suggestion.order_qty, rounding)}"
            if line.policy == "reorder_point"
            else f"{format_number(suggestion.target_days)} days"
        )
        rows.append(
            (
                line.product,
                line.location,
                thresholds,
                suggestion.forecast_method,
                f"{current.fill_rate:.0%} → {suggested.fill_rate:.0%}",
                f"{_q(current.average_on_hand, rounding)} → "
                f"{_q(suggested.average_on_hand, rounding)}",
                f"{current.orders} → {suggested.orders}",
            )
        )
    _table(
        out,
        (
            "product",
            "site",
            "suggested",
            "forecast",
            "fill rate",
            "avg on hand",
            "orders",
        ),
        rows,
        ("<", "<", ">", "<", ">", ">", ">"),
    )
    out.write(
        "\nOn your own data: python -m vmi_management.engine plan LINES.csv "
        "--demand DEMAND.csv (also: suggest, simulate; --help for each).\n"
    )
    return 0
