"""Command line of the engine: plan, suggest and simulate on CSV files, or a demo.

    python -m vmi_management.engine                       # demo on the embedded sample
    python -m vmi_management.engine plan LINES.csv [--demand DEMAND.csv] [--as-of
    YYYY-MM-DD] python -m vmi_management.engine suggest LINES.csv --demand DEMAND.csv
    [--review-days N] python -m vmi_management.engine simulate LINES.csv --demand
    DEMAND.csv [--compare-with OTHER.csv]

Results go to standard output as CSV. Bad input is reported on standard
error with file, line and column, the exit status is 2, and nothing is
written to standard output.
"""

import argparse
import csv
import sys
from datetime import date
from importlib.resources import as_file, files

from .csv_io import InputError, read_demand, read_lines
from .policies import plan
from .simulate import simulate
from .suggest import apply_suggestion, suggest_thresholds

PLAN_COLUMNS = (
    "product",
    "location",
    "position",
    "order_qty",
    "reason",
    "on_hand",
    "on_order",
    "committed",
    "policy",
    "trigger_level",
    "target_level",
    "safety_stock",
    "demand_rate",
    "forecast_method",
    "flags",
)
SUGGEST_COLUMNS = (
    "product",
    "location",
    "policy",
    "min_qty",
    "max_qty",
    "reorder_point",
    "order_qty",
    "target_days",
    "safety_stock",
    "demand_rate",
    "demand_std",
    "forecast_method",
    "holdout_error",
    "reasoning",
)
SIMULATE_COLUMNS = (
    "product",
    "location",
    "scenario",
    "days",
    "fill_rate",
    "average_on_hand",
    "turns",
    "average_days_of_supply",
    "stockout_days",
    "orders",
    "units_ordered",
    "demanded",
    "served",
)


def _number(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return value


def _write(rows, columns, out):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_number(row[column]) for column in columns])


def plan_rows(lines, as_of=None):
    for decision in plan(lines, as_of):
        yield {
            **{column: getattr(decision, column, None) for column in PLAN_COLUMNS},
            "flags": " ".join(decision.flags),
        }


def suggest_rows(lines, review_days):
    for line in lines:
        suggestion = suggest_thresholds(line, review_days)
        yield {
            **{column: getattr(suggestion, column, None) for column in SUGGEST_COLUMNS},
            "reasoning": "; ".join(
                f"{step.name} {step.value} ({step.note})" for step in suggestion.steps
            ),
        }


def simulate_rows(lines, review_days, warmup_days, scenarios):
    for line in lines:
        for scenario, variant in scenarios(line):
            result = simulate(
                variant, line.demand, review_days=review_days, warmup_days=warmup_days
            )
            yield {
                "product": line.product,
                "location": line.location,
                "scenario": scenario,
                **result.summary(),
            }


def _load(args):
    as_of = date.fromisoformat(args.as_of) if getattr(args, "as_of", None) else None
    demand = read_demand(args.demand, as_of) if args.demand else {}
    return read_lines(args.lines, demand), as_of


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m vmi_management.engine",
        description="VMI replenishment engine: plan, suggest thresholds and simulate "
        "policies on CSV files. Without a command, runs a demo on an embedded sample.",
    )
    commands = parser.add_subparsers(dest="command")
    plan_cmd = commands.add_parser("plan", help="decide what to order for each line")
    plan_cmd.add_argument("lines", help="LINES.csv")
    plan_cmd.add_argument(
        "--demand",
        help="DEMAND.csv: product, location, date, quantity (daily consumption)",
    )
    plan_cmd.add_argument(
        "--as-of", help="plan as of this day (YYYY-MM-DD); history ends the day before"
    )
    suggest_cmd = commands.add_parser(
        "suggest", help="suggest thresholds from the demand history"
    )
    suggest_cmd.add_argument("lines")
    suggest_cmd.add_argument("--demand", required=True)
    suggest_cmd.add_argument("--as-of")
    suggest_cmd.add_argument(
        "--review-days",
        type=float,
        default=7.0,
        help="days between two reviews (default 7)",
    )
    simulate_cmd = commands.add_parser(
        "simulate", help="replay the demand history under each line's policy"
    )
    simulate_cmd.add_argument("lines")
    simulate_cmd.add_argument("--demand", required=True)
    simulate_cmd.add_argument("--as-of")
    simulate_cmd.add_argument(
        "--compare-with", help="a second LINES.csv with other thresholds, side by side"
    )
    simulate_cmd.add_argument(
        "--compare-suggested",
        action="store_true",
        help="compare each line with its suggested thresholds",
    )
    simulate_cmd.add_argument("--review-days", type=int, default=1)
    simulate_cmd.add_argument(
        "--warmup-days",
        type=int,
        default=28,
        help="first days that only feed the forecast (default 28)",
    )
    return parser


def _scenarios(args, lines):
    """Which variants of each line to simulate: the line itself, plus what it is
    compared with."""
    others = {}
    if args.compare_with:
        others = {
            (line.product, line.location): line
            for line in read_lines(args.compare_with)
        }

    def variants(line):
        yield "current", line
        if args.compare_suggested:
            yield (
                "suggested",
                apply_suggestion(line, suggest_thresholds(line, args.review_days)),
            )
        other = others.get((line.product, line.location))
        if other:
            yield "compared", other

    return variants


def main(argv=None, out=None):
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    if not args.command:
        from .demo import run_demo

        return run_demo(out)
    try:
        lines, as_of = _load(args)
        if args.command == "plan":
            rows, columns = list(plan_rows(lines, as_of)), PLAN_COLUMNS
        elif args.command == "suggest":
            rows, columns = list(suggest_rows(lines, args.review_days)), SUGGEST_COLUMNS
        else:
            rows = list(
                simulate_rows(
                    lines, args.review_days, args.warmup_days, _scenarios(args, lines)
                )
            )
            columns = SIMULATE_COLUMNS
    except InputError as error:
        for problem in error.problems:
            sys.stderr.write(f"error: {problem}\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"error: {error.filename}: {error.strerror}\n")
        return 2
    _write(rows, columns, out)
    return 0


def sample_paths():
    """Context managers giving the embedded sample's LINES.csv and DEMAND.csv as
    files."""
    sample = files(__package__) / "sample"
    return as_file(sample / "lines.csv"), as_file(sample / "demand.csv")
