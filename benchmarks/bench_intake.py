#!/usr/bin/env python3
"""Time the intake of a customer's X12 852 with 100,000 line items, parsing and applying
it in Odoo.

In a fresh database with vmi_management installed (no demo data): one
customer-owned agreement whose single site carries N products, each an
agreement line; an 852 with one LIN loop per product (on hand and sold at
the site); then:

1. parse alone (framework-free): seconds and traced peak memory;
2. the whole intake as the HTTP API or the upload runs it (``_receive``:
   payload kept, lines matched, validated and stored, report processed),
   committed: seconds, SQL queries and the process's peak RSS;
3. the same payload again, recognised as a repeat.

It prints figures and asserts nothing. Usage:

    python3 benchmarks/bench_intake.py --items 100000
"""

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from odoo_database import configure, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vmi_management.intake import parse_x12_852  # noqa: E402

ISA = (
    "ISA*00*          *00*          *ZZ*BENCHCUSTOMER  *ZZ*VENDORCO       "
    "*261124*0615*U*00401*000000001"
    "*0*P*>"
)


def build_852(codes, site):
    segments = [
        ISA,
        "GS*PD*BENCHCUSTOMER*VENDORCO*20261124*0615*1*X*004010",
        "ST*852*0001",
        "XQ*H*20261117*20261123*BENCH-852",
    ]
    for number, code in enumerate(codes, 1):
        segments += [
            f"LIN*{number}*VN*{code}",
            "ZA*QA",
            f"SDQ*EA*92*{site}*{number % 40}",
            "ZA*QS",
            f"SDQ*EA*92*{site}*{number % 7}",
        ]
    segments.append(f"CTT*{len(codes)}")
    segments += [
        f"SE*{len(segments) - 1}*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ]  # ST to SE, not ISA and GS
    return ("~\n".join(segments) + "~\n").encode()


def generate(env, items):
    customer = env["res.partner"].create({"name": "Bench customer", "is_company": True})
    agreement = env["vmi.agreement"].create(
        {"partner_id": customer.id, "role": "vendor", "ownership": "customer_owned"}
    )
    agreement.action_create_site_locations()
    site = agreement.location_ids
    site.barcode = "BENCH-SITE"
    codes = [f"B{index:07d}" for index in range(items)]
    for start in range(0, items, 10000):
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench product {code}",
                    "default_code": code,
                    "type": "consu",
                    "is_storable": True,
                }
                for code in codes[start : start + 10000]
            ]
        )
        env["vmi.agreement.line"].create(
            [
                {
                    "agreement_id": agreement.id,
                    "product_id": product.id,
                    "location_id": site.id,
                    "policy": "min_max",
                    "min_qty": 10,
                    "max_qty": 30,
                }
                for product in products
            ]
        )
    agreement.state = "active"
    return agreement, codes


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100000)
    parser.add_argument("--database", default="vmi_bench_intake")
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api

    print(
        f"# X12 852 intake, {args.items:,} line items ({time.strftime('%Y-%m-%d')})",
        flush=True,
    )
    path = configure(args.database)
    with fresh_database(args.database, path) as registry:
        started = time.perf_counter()
        with registry.cursor() as cr:
            agreement, codes = generate(
                api.Environment(cr, SUPERUSER_ID, {}), args.items
            )
            agreement_id = agreement.id
        print(
            f"setup: {args.items:,} products and agreement lines in "
            f"{time.perf_counter() - started:.1f} s"
        )
        payload = build_852(codes, "BENCH-SITE")
        print(f"document: {len(payload) / 1e6:.1f} MB")

        started = time.perf_counter()
        parsed = parse_x12_852(payload)
        seconds = time.perf_counter() - started
        # a second, traced parse: tracing slows it several times over
        tracemalloc.start()
        parse_x12_852(payload)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"(1) parse: {seconds:.2f} s, {len(parsed.lines):,} lines, traced peak "
            f"{peak / 2**20:.0f} MiB, "
            f"{len(parsed.errors)} document errors"
        )

        for label in ("(2) intake", "(3) same payload again"):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                queries = cr.sql_log_count
                started = time.perf_counter()
                report, repeated = env["vmi.stock.report"]._receive(
                    env["vmi.agreement"].browse(agreement_id),
                    payload,
                    source="edi",
                    filename="bench.x12",
                )
                cr.commit()
                seconds = time.perf_counter() - started
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(
                    f"{label}: {seconds:.2f} s, {cr.sql_log_count - queries} queries, "
                    f"state {report.state}, "
                    f"{report.line_count:,} lines ({report.rejected_line_count} "
                    f"rejected), repeat {repeated}, "
                    f"peak RSS {rss:.0f} MiB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
