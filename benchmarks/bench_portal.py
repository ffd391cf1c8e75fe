#!/usr/bin/env python3
"""Time the customer's stock page of an agreement with 5,000 lines, rendered by a
running Odoo.

In a fresh database with vmi_management installed (no demo data): one
consignment agreement whose site carries N products (stock on some of them),
evaluated once so every line has a status, and a portal user of the
customer. An Odoo server is started on that database; a client logs in as
the portal user and requests the stock page (first page, a filter, a late
page, sorted by days of supply, and the CSV download of everything), each
several times. Prints the median and worst server round trip; asserts
nothing. Usage:

    python3 benchmarks/bench_portal.py --lines 5000
"""

import argparse
import re
import socket
import statistics
import subprocess
import sys
import time

import requests
from odoo_database import REPO, configure, fresh_database

PASSWORD = "bench-portal-secret"


def generate(env, lines):
    from odoo import Command

    customer = env["res.partner"].create({"name": "Bench clinic", "is_company": True})
    contact = env["res.partner"].create(
        {"name": "Bench buyer", "parent_id": customer.id}
    )
    env["res.users"].create(
        {
            "name": "Bench buyer",
            "login": "bench-buyer",
            "password": PASSWORD,
            "partner_id": contact.id,
            "groups_id": [Command.set([env.ref("base.group_portal").id])],
        }
    )
    agreement = env["vmi.agreement"].create(
        {"partner_id": customer.id, "role": "vendor", "ownership": "consignment"}
    )
    agreement.action_create_site_locations()
    site = agreement.location_ids
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {index:05d}",
                "default_code": f"BP{index:05d}",
                "type": "consu",
                "is_storable": True,
            }
            for index in range(lines)
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
    Quant = env["stock.quant"]
    for index, product in enumerate(products):
        if index % 3:
            Quant._update_available_quantity(product, site, float(index % 45))
    agreement.action_activate()
    env["vmi.replenishment"]._evaluate_now(agreement)
    return agreement.id


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(database, path, port):
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import odoo.cli; odoo.cli.main()",
            "-d",
            database,
            f"--db-filter=^{database}$",
            f"--addons-path={path}",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=5).ok:
                return server
        except requests.ConnectionError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("The Odoo server did not start.")


def portal_session(url):
    session = requests.Session()
    page = session.get(f"{url}/web/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(
        f"{url}/web/login",
        data={"login": "bench-buyer", "password": PASSWORD, "csrf_token": token},
        timeout=30,
    ).raise_for_status()
    return session


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", default="vmi_bench_portal")
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api

    print(
        f"# Portal stock page, {args.lines:,} lines ({time.strftime('%Y-%m-%d')})",
        flush=True,
    )
    path = configure(args.database)
    with fresh_database(args.database, path) as registry:
        started = time.perf_counter()
        with registry.cursor() as cr:
            agreement_id = generate(api.Environment(cr, SUPERUSER_ID, {}), args.lines)
        print(
            f"setup: {args.lines:,} lines, stock and one evaluation in "
            f"{time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        server = serve(args.database, path, port)
        try:
            url = f"http://127.0.0.1:{port}"
            session = portal_session(url)
            stock = f"{url}/my/vmi/{agreement_id}"
            for label, page in (
                ("first page (80 lines)", stock),
                ("filtered: below min", f"{stock}?filterby=below_min"),
                ("page 40, sorted by days of supply", f"{stock}/page/40?sortby=days"),
                ("search 'product 0499'", f"{stock}?search=product+0499"),
                (f"CSV download, all {args.lines:,} lines", f"{stock}/stock.csv"),
            ):
                session.get(
                    page, timeout=60
                ).raise_for_status()  # warm: templates compiled, caches filled
                timings = []
                for __ in range(args.repeat):
                    started = time.perf_counter()
                    response = session.get(page, timeout=60)
                    timings.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                print(
                    f"{label}: median {statistics.median(timings):.0f} ms, worst "
                    f"{max(timings):.0f} ms, "
                    f"{len(response.content) / 1024:.0f} KiB",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
