#!/usr/bin/env python3
"""Plan N lines with a daily demand history each, and print the speed and memory it
takes.

    python3 benchmarks/bench_engine.py [--lines 100000] [--days 90] [--method auto]
                                       [--repeat 3]

``--method`` is the lines' forecast method (``moving_average`` by default,
the cheapest; ``auto`` chooses per line on a holdout, as Odoo's agreements
do by default).

Lines mix the three policies, smooth and intermittent demand, safety stock
modes, MOQs, pack multiples and capacities (fixed seed). The timing covers
``plan()`` only: building the inputs is the caller's part (CSV parsing or
the Odoo layer's batched queries). It prints figures and asserts nothing.
"""

import argparse
import gc
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vmi_management.engine import LineInput, plan  # noqa: E402


def generate(count, days, method, seed=42):
    rng = random.Random(seed)
    policies = ("min_max", "reorder_point", "days_of_supply")
    modes = (None, "fixed", "days", "service_level")
    lines = []
    for index in range(count):
        if index % 4 == 3:  # intermittent
            history = tuple(
                float(rng.randint(1, 8)) if rng.random() < 0.2 else 0.0
                for _ in range(days)
            )
        else:
            mean = rng.uniform(2, 40)
            history = tuple(
                float(max(0, round(rng.gauss(mean, mean / 3)))) for _ in range(days)
            )
        minimum = rng.randint(5, 200)
        lines.append(
            LineInput(
                product=index,
                location=index % 500,
                policy=policies[index % 3],
                on_hand=float(rng.randint(0, 400)),
                on_order=float(rng.choice((0, 0, 20))),
                committed=float(rng.randint(0, 5)),
                min_qty=float(minimum),
                max_qty=float(minimum * 3),
                reorder_point=float(minimum),
                order_qty=float(rng.randint(5, 60)),
                target_days=float(rng.randint(3, 21)),
                lead_time_days=float(rng.randint(1, 10)),
                lead_time_std_days=rng.choice((0.0, 0.5, 1.0)),
                safety_stock_mode=modes[index % 4],
                safety_stock_value=float(rng.randint(1, 10)),
                service_level=rng.choice((0.9, 0.95, 0.98)),
                moq=rng.choice((None, 10.0, 25.0)),
                multiple=rng.choice((None, 1.0, 6.0, 12.0)),
                capacity=rng.choice((None, None, 800.0)),
                rounding=1.0,
                demand=history,
                forecast_method=method,
            )
        )
    return lines


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--method", default="moving_average")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    lines = generate(args.lines, args.days, args.method)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    decisions = plan(lines)
    seconds = time.perf_counter() - started
    __, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    to_order = sum(1 for decision in decisions if decision.order_qty > 0)
    capped = sum(1 for decision in decisions if "capacity_capped" in decision.flags)
    # tracemalloc slows allocation-heavy code down: time again without it, each plan
    # on its own (the one before dropped, as a caller that has written its results
    # does), best of --repeat
    del decisions
    timings = []
    for __ in range(args.repeat):
        gc.collect()
        started = time.perf_counter()
        decisions = plan(lines)
        timings.append(time.perf_counter() - started)
        del decisions  # after the clock: freeing them is the caller's part
    untraced = min(timings)

    print(
        f"planned {len(lines):,} lines × {args.days} days of history, forecast "
        f"{args.method}: {untraced:.2f} s "
        f"({len(lines) / untraced:,.0f} lines/s, one core; best of {args.repeat}, "
        f"median {statistics.median(timings):.2f} s)"
    )
    print(
        f"  with memory tracing: {seconds:.2f} s; peak traced memory of the plan: "
        f"{peak / 2**20:.0f} MiB; "
        f"process max RSS {rss_after / 1024:.0f} MiB (inputs alone "
        f"{rss_before / 1024:.0f} MiB)"
    )
    print(f"  {to_order:,} lines to order, {capped:,} capped by capacity")


if __name__ == "__main__":
    main()
