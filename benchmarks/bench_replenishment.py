#!/usr/bin/env python3
"""Time the scheduled VMI evaluation, run by one or several cron workers, against
Odoo's reordering rules, in a real database.

For each shape (agreements × sites × products = lines), in a fresh database
with vmi_management installed (no demo data):

1. generate the lines (consignment, min/max), consigned stock at every site
   (about 30 % of lines below their min) and a consumption history of
   ``--history-days`` days;
2. (a) for each ``--workers`` count: make every agreement due, withdraw the
   proposals, and let that many worker processes run the scheduled action
   to the end, as cron workers do (``ir.cron._run_job``: one committed
   call after the other, each doing one step of the run); prints the wall
   time, each worker's peak RSS and longest transaction, and SQL queries
   per 1,000 lines. Also, for the default shape, the decisions alone
   (inputs gathered and the engine run, no orders) and (c) the same run
   with the warehouse short by half and a minimum delivery value;
3. (b) create Odoo reordering rules with the same min/max on the same
   products and locations (up to ``--odoo-lines`` of them, spread over
   every site; a pull rule replenishes the sites from the warehouse), and
   time Odoo computing their quantities to order and, separately, creating
   their orders through ``procurement.group.run`` (the scheduler's
   ``_procure_orderpoint_confirm``); then the ratios per line.

It prints figures and asserts nothing. Needs Odoo 18 importable and a local
PostgreSQL (as for ./run-tests). Usage:

    python3 benchmarks/bench_replenishment.py --lines 1000 10000 50000
    python3 benchmarks/bench_replenishment.py --agreements 1 --sites 200 \
        --products 1000 --workers 1 2
    python3 benchmarks/bench_replenishment.py --agreements 500 --sites 2 \
        --products 500 --workers 1 2
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from odoo_database import configure, fresh_database

CRON_XMLID = "vmi_management.ir_cron_vmi_replenishment"


def generate(env, agreement_count, sites_per_agreement, product_count, history_days):
    """The agreements, each with ``sites_per_agreement`` sites carrying every one of
    ``product_count`` products, stock and history; returns (lines, history rows)."""
    from odoo import fields
    from odoo.tools import SQL

    rng = random.Random(7)
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {index}",
                "type": "consu",
                "is_storable": True,
                "standard_price": 2.0,
                "list_price": 5.0,
            }
            for index in range(product_count)
        ]
    )
    customers = env["res.partner"].create(
        [
            {"name": f"Bench customer {index}", "is_company": True}
            for index in range(agreement_count)
        ]
    )
    env["res.partner"].create(
        [
            {"name": f"Site {site}", "type": "delivery", "parent_id": customer.id}
            for customer in customers
            for site in range(1, sites_per_agreement + 1)
        ]
    )
    agreements = env["vmi.agreement"].create(
        [
            {"partner_id": customer.id, "role": "vendor", "ownership": "consignment"}
            for customer in customers
        ]
    )
    agreements.action_create_site_locations()
    warehouse_stock = (
        env["stock.warehouse"]
        .search([("company_id", "=", env.company.id)], limit=1)
        .lot_stock_id
    )
    vals, quants = [], []
    sites = [
        (agreement, site) for agreement in agreements for site in agreement.location_ids
    ]
    for agreement, site in sites:
        for product in products:
            minimum = rng.randint(10, 40)
            vals.append(
                {
                    "agreement_id": agreement.id,
                    "product_id": product.id,
                    "location_id": site.id,
                    "policy": "min_max",
                    "min_qty": minimum,
                    "max_qty": minimum * 3,
                    "lead_time_days": 2,
                }
            )
            below = rng.random() < 0.3
            quants.append(
                (
                    product.id,
                    site.id,
                    rng.randint(0, minimum - 1)
                    if below
                    else rng.randint(minimum, 3 * minimum),
                )
            )
    for start in range(0, len(vals), 5000):
        env["vmi.agreement.line"].create(vals[start : start + 5000])
        env.flush_all()
        env.invalidate_all()
    vals = None
    agreements.write({"state": "active"})

    company = env.company
    customer_location = env.ref("stock.stock_location_customers")
    now = fields.Datetime.now()
    env.flush_all()
    # the shipping warehouse has plenty of everything
    stocked = quants + [
        (product.id, warehouse_stock.id, 1_000_000) for product in products
    ]
    for start in range(0, len(stocked), 5000):
        env.cr.execute(
            SQL(
                "INSERT INTO stock_quant (product_id, location_id, company_id, "
                "quantity, reserved_quantity, in_date) "
                "VALUES %s",
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s, 0, %s)",
                        product,
                        site,
                        company.id,
                        quantity,
                        now,
                    )
                    for product, site, quantity in stocked[start : start + 5000]
                ),
            )
        )
    uom = env.ref("uom.product_uom_unit").id
    history_rows = 0
    chunk = []

    def insert_history():
        env.cr.execute(
            SQL(
                "INSERT INTO stock_move_line (product_id, location_id, "
                "location_dest_id, company_id, product_uom_id, "
                "quantity, quantity_product_uom, state, date, picked) VALUES %s",
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s, %s, %s, %s, 'done', %s, true)",
                        product,
                        site,
                        customer_location.id,
                        company.id,
                        uom,
                        quantity,
                        quantity,
                        date,
                    )
                    for product, site, quantity, date in chunk
                ),
            )
        )

    # streamed: half a million lines make millions of consumption records
    for product, site, __ in quants:
        for day in range(1, history_days + 1):
            if rng.random() < 0.35:
                chunk.append(
                    (product, site, rng.randint(1, 6), now - timedelta(days=day))
                )
        if len(chunk) >= 20000:
            insert_history()
            history_rows += len(chunk)
            chunk = []
    if chunk:
        insert_history()
        history_rows += len(chunk)
    env["ir.config_parameter"].set_param("vmi_management.history_days", history_days)
    for table in (
        "stock_quant",
        "stock_move_line",
        "vmi_agreement_line",
        "stock_location",
    ):
        env.cr.execute(
            SQL("ANALYZE %s", SQL.identifier(table))
        )  # as autovacuum would after such a load
    env.invalidate_all()
    return len(quants), history_rows


def short_warehouse(env):
    """Withdraw the proposals, make every agreement due again with a minimum delivery
    value, and leave the warehouse half of what the lines just ordered of each
    product."""
    from odoo.tools import SQL

    ordered = dict(
        env["stock.move"]._read_group(
            [("picking_id.vmi_agreement_id", "!=", False)],
            ["product_id"],
            ["product_uom_qty:sum"],
        )
    )
    env["stock.picking"].search([("vmi_agreement_id", "!=", False)]).unlink()
    env["vmi.agreement"].search([]).write(
        {"date_next_evaluation": False, "load_min_value": 2500.0}
    )
    stock = (
        env["stock.warehouse"]
        .search([("company_id", "=", env.company.id)], limit=1)
        .lot_stock_id
    )
    for product, quantity in ordered.items():
        env.cr.execute(
            SQL(
                (
                    "UPDATE stock_quant SET quantity = %s WHERE product_id = %s AND "
                    "location_id = %s"
                ),
                quantity // 2,
                product.id,
                stock.id,
            )
        )
    env.invalidate_all()


def measure(callable_):
    import odoo

    queries = odoo.sql_db.sql_counter
    started = time.perf_counter()
    result = callable_()
    return time.perf_counter() - started, odoo.sql_db.sql_counter - queries, result


def make_due_again(env):
    """Withdraw every proposal and make every agreement due, as before a nightly run."""
    env["stock.picking"].search([("vmi_agreement_id", "!=", False)]).unlink()
    env["vmi.agreement"].search([]).write({"date_next_evaluation": False})
    env["vmi.supply.plan"].search([("state", "=", "open")])._close()


def peak_rss_mib():
    """This process's peak resident memory since it started its program.

    Linux's ``ru_maxrss`` keeps, across ``exec``, the peak of the process that
    forked it: a worker started by this benchmark after it has read half a
    million lines would report the benchmark's peak, not its own. The peak
    of the process's own memory (``VmHWM``) does not.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(database, go_file):
    """One cron worker: call the scheduled action as ``ir.cron._run_job`` does, one
    committed call after the other, until no step remains; print its figures as
    JSON."""
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    configure(database)
    registry = Registry(database)
    with registry.cursor() as cr:
        cron_id = api.Environment(cr, SUPERUSER_ID, {}).ref(CRON_XMLID).id
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.01)
    calls, steps, longest, queries = 0, 0, 0.0, odoo.sql_db.sql_counter
    while True:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cron, progress = env["ir.cron"].browse(cron_id)._add_progress()
            cr.commit()
            started = time.perf_counter()
            env["vmi.replenishment"].with_context(
                cron_id=cron.id, ir_cron_progress_id=progress.id
            )._cron_evaluate()
            cr.commit()
            longest = max(longest, time.perf_counter() - started)
            calls += 1
            done, remaining = progress.done, progress.remaining
            steps += done
        if not remaining:
            break
        if not done:
            time.sleep(0.2)  # the steps left are another worker's, or wait for them
    print(
        json.dumps(
            {
                "calls": calls,
                "steps": steps,
                "longest": longest,
                "queries": odoo.sql_db.sql_counter - queries,
                "rss_mib": peak_rss_mib(),
            }
        ),
        flush=True,
    )


def run_workers(database, count):
    """Start ``count`` worker processes, let them go at once, and time them to the end
    of the run: ``(seconds, [figures per worker])``."""
    go_file = f"/tmp/vmi_bench_go_{os.getpid()}"
    if os.path.exists(go_file):
        os.unlink(go_file)
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", database, go_file],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent,
        )
        for __ in range(count)
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    Path(go_file).touch()
    figures = [json.loads(process.stdout.readline()) for process in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.wait()
    os.unlink(go_file)
    return seconds, figures


def outcome(registry):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        return (
            env["stock.picking"].search_count([("vmi_agreement_id", "!=", False)]),
            env["vmi.agreement.line"].search_count([("last_order_qty", ">", 0)]),
            env["vmi.supply.allocation"].search_count([("short_qty", ">", 0)]),
            env["vmi.agreement.line"].search_count(
                [("last_decision_reason", "like", "pulled forward")]
            ),
            env["vmi.replenishment.run"].search([], limit=1).step_ids.__len__(),
        )


def odoo_reordering_rules(registry, limit):
    """Odoo's own reordering rules on (up to ``limit`` of) the same lines, spread over
    every site: seconds and queries to compute their quantities, then to create their
    orders; returns ``(rules, ordering, (seconds, queries), (seconds, queries),
    transfers)``."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        warehouse = env["stock.warehouse"].search([], limit=1)
        sites = env.ref("vmi_management.stock_location_vmi_sites")
        route = env["stock.route"].create(
            {
                "name": "Replenish consignment sites",
                "product_selectable": True,
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "WH/Stock → consignment sites",
                            "action": "pull",
                            "location_src_id": warehouse.lot_stock_id.id,
                            "location_dest_id": sites.id,
                            "picking_type_id": warehouse.int_type_id.id,
                            "procure_method": "make_to_stock",
                            "location_dest_from_rule": True,
                            "warehouse_id": warehouse.id,
                        },
                    )
                ],
            }
        )
        lines = env["vmi.agreement.line"].search([])
        step = max(len(lines) // limit, 1)
        sample = lines[::step][:limit]
        for start in range(0, len(sample), 5000):
            env["stock.warehouse.orderpoint"].create(
                [
                    {
                        "product_id": line.product_id.id,
                        "location_id": line.location_id.id,
                        "warehouse_id": warehouse.id,
                        "route_id": route.id,
                        "product_min_qty": line.min_qty,
                        "product_max_qty": line.max_qty,
                        "trigger": "manual",
                    }
                    for line in sample[start : start + 5000]
                ]
            )
            env.flush_all()
        rules = len(sample)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})

        def quantities():
            orderpoints = env["stock.warehouse.orderpoint"].search([])
            return sum(
                1 for quantity in orderpoints.mapped("qty_to_order") if quantity > 0
            )

        seconds_quantities, queries_quantities, ordering = measure(quantities)
        cr.rollback()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        warehouse = warehouse.with_env(env)

        def orders():
            orderpoints = env["stock.warehouse.orderpoint"].search([])
            orderpoints._procure_orderpoint_confirm(
                company_id=env.company, raise_user_error=False
            )
            env.flush_all()

        internal = [("picking_type_id", "=", warehouse.int_type_id.id)]
        before = (
            env["stock.picking"].search_count(internal),
            env["stock.move"].search_count(internal),
        )
        seconds_orders, queries_orders, __ = measure(orders)
        transfers = env["stock.picking"].search_count(internal) - before[0]
        moves = env["stock.move"].search_count(internal) - before[1]
        cr.commit()
    return (
        rules,
        ordering,
        (seconds_quantities, queries_quantities),
        (seconds_orders, queries_orders),
        (transfers, moves),
    )


def run_shape(database, registry, shape, args):
    from odoo import SUPERUSER_ID, api, fields

    agreements, sites, products = shape
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        count, history_rows = generate(
            env, agreements, sites, products, args.history_days
        )
    print(
        f"\n## {count:,} lines: {agreements} agreement(s) × {sites} sites × "
        f"{products} products ({history_rows:,} consumption records over "
        f"{args.history_days} days)",
        flush=True,
    )
    per_k = 1000 / count
    vmi_seconds = {}
    for workers in args.workers:
        with registry.cursor() as cr:
            make_due_again(api.Environment(cr, SUPERUSER_ID, {}))
        seconds, figures = run_workers(database, workers)
        transfers, to_order, __, __, steps = outcome(registry)
        vmi_seconds[workers] = seconds
        queries = sum(figure["queries"] for figure in figures)
        print(
            f"(a) VMI scheduled evaluation, {workers} worker(s), {steps} steps, "
            f"proposals included: {seconds:.1f} s "
            f"({count / seconds:,.0f} lines/s), {queries * per_k:.0f} queries / "
            f"1,000 lines; {to_order:,} lines to order, {transfers:,} transfers",
            flush=True,
        )
        for number, figure in enumerate(figures, 1):
            print(
                f"    worker {number}: {figure['steps']} steps in {figure['calls']} "
                f"calls, peak RSS {figure['rss_mib']:,.0f} MiB, longest transaction "
                f"{figure['longest']:.1f} s",
                flush=True,
            )
    if len(vmi_seconds) > 1:
        first, *others = sorted(vmi_seconds)
        for workers in others:
            print(
                f"    {workers} workers: "
                f"{vmi_seconds[first] / vmi_seconds[workers]:.2f}× "
                f"the throughput of {first}",
                flush=True,
            )
    if args.decisions:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Line = env["vmi.agreement.line"]

            def decisions_only():
                all_lines = Line.search([])
                facts = env["vmi.replenishment.data"]._gather(
                    all_lines, fields.Datetime.now()
                )
                from odoo.addons.vmi_management.engine import plan

                return plan(all_lines._prepare_engine_inputs(facts))

            seconds_decide, queries_decide, decisions = measure(decisions_only)
            cr.rollback()
        print(
            f"    VMI decisions only (inputs + engine, one transaction): "
            f"{seconds_decide:.2f} s, {queries_decide * per_k:.1f} queries / 1,000 "
            f"lines; {sum(1 for d in decisions if d.order_qty > 0):,} lines to order",
            flush=True,
        )
    if args.short:
        with registry.cursor() as cr:
            short_warehouse(api.Environment(cr, SUPERUSER_ID, {}))
        seconds_short, figures = run_workers(database, args.workers[-1])
        short_transfers, short_to_order, short_lines, pulled, __ = outcome(registry)
        queries = sum(figure["queries"] for figure in figures)
        print(
            f"(c) the same with the warehouse short by half and a minimum delivery "
            f"value, {args.workers[-1]} worker(s): {seconds_short:.1f} s, "
            f"{queries * per_k:.0f} queries / 1,000 lines; {short_lines:,} lines "
            f"allocated short, {pulled:,} pulled forward, {short_to_order:,} lines to "
            f"order, {short_transfers:,} transfers",
            flush=True,
        )
    rules, ordering, (seconds_q, queries_q), (seconds_o, queries_o), made = (
        odoo_reordering_rules(registry, args.odoo_lines)
    )
    per_rule_k = 1000 / rules
    print(
        f"(b) Odoo reordering rules on {rules:,} of these lines"
        f"{'' if rules == count else ' (a sample spread over every site)'}: "
        f"quantities to order {seconds_q:.1f} s ({seconds_q * per_rule_k:.2f} s / "
        f"1,000 lines, {queries_q * per_rule_k:.0f} queries / 1,000 lines), "
        f"{ordering:,} to order; creating their orders (procurement.group.run) "
        f"{seconds_o:.1f} s ({seconds_o * per_rule_k:.2f} s / 1,000 lines, "
        f"{queries_o * per_rule_k:.0f} queries / 1,000 lines): {made[0]:,} transfers, "
        f"{made[1]:,} moves",
        flush=True,
    )
    best = min(vmi_seconds.values())
    vmi_per_k = best * per_k
    print(
        f"ratio per line, Odoo creating orders ÷ VMI full evaluation "
        f"({min(vmi_seconds, key=vmi_seconds.get)} worker(s)): "
        f"{seconds_o * per_rule_k / vmi_per_k:.1f}×; Odoo quantities only ÷ VMI full "
        f"evaluation: {seconds_q * per_rule_k / vmi_per_k:.1f}×",
        flush=True,
    )


def describe_machine():
    import platform

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) / 1024 / 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    postgres = subprocess.run(
        ["psql", "-Atc", "SHOW server_version", "postgres"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, PostgreSQL {postgres}, "
        f"Python {platform.python_version()}"
    )


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--lines",
        type=int,
        nargs="+",
        help="sizes in the default shape: agreements of 2 sites × 100 products",
    )
    parser.add_argument("--agreements", type=int)
    parser.add_argument("--sites", type=int, default=2)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--odoo-lines",
        type=int,
        default=50000,
        help="Odoo's reordering rules are timed on at most this many of the lines",
    )
    parser.add_argument("--history-days", type=int, default=30)
    parser.add_argument("--database", default="vmi_bench")
    args = parser.parse_args()
    if args.agreements:
        shapes = [(args.agreements, args.sites, args.products)]
        args.decisions = args.short = False
    else:
        shapes = [
            (max(lines // 200, 1), 2, 100)
            for lines in args.lines or [1000, 10000, 50000]
        ]
        args.decisions = args.short = True

    print(f"# VMI replenishment vs Odoo reordering rules ({time.strftime('%Y-%m-%d')})")
    print(describe_machine())
    path = configure(args.database)
    for shape in shapes:
        with fresh_database(args.database, path) as registry:
            run_shape(args.database, registry, shape, args)


if __name__ == "__main__":
    main()
