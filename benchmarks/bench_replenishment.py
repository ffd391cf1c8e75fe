#!/usr/bin/env python3
"""Time one scheduled VMI evaluation against Odoo's reordering rules, in a real
database.

For each size N (product × site lines), in a fresh database with
vmi_management installed (no demo data):

1. generate N consignment lines (min/max) over customers with two sites
   each, consigned stock at every site (about 30 % of lines below their
   min) and a consumption history of ``--history-days`` days;
2. (a) run the scheduled evaluation to the end, as cron workers do (one
   committed batch after the other), proposals included; and, separately,
   the decisions alone (inputs gathered and the engine run, no orders);
3. (c) the same scheduled evaluation again, proposals withdrawn first, with
   the shipping warehouse short (half of what the lines need of each
   product) and a minimum delivery value on every agreement: the run's
   supply plan allocates the warehouse over all agreements before the first
   batch, and each site's delivery is topped up to its minimum;
4. (b) create Odoo reordering rules with the same min/max on the same
   products and locations, and time Odoo computing their quantities to
   order for all of them;
5. print seconds, SQL queries per 1,000 lines and the ratio.

It prints figures and asserts nothing. Needs Odoo 18 importable and a local
PostgreSQL (as for ./run-tests). Usage:

    python3 benchmarks/bench_replenishment.py --lines 1000 10000 50000
"""

import argparse
import random
import time
from datetime import timedelta

from odoo_database import configure, fresh_database

PRODUCTS_PER_SITE = 100


def generate(env, lines, history_days, seed=7):
    """N consignment lines with stock and history; returns the agreements."""
    from odoo import fields
    from odoo.tools import SQL

    rng = random.Random(seed)
    sites_needed = max(lines // PRODUCTS_PER_SITE, 1)
    products_per_site = lines // sites_needed
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {index}",
                "type": "consu",
                "is_storable": True,
                "standard_price": 2.0,
                "list_price": 5.0,
            }
            for index in range(products_per_site)
        ]
    )
    customers = env["res.partner"].create(
        [
            {"name": f"Bench customer {index}", "is_company": True}
            for index in range((sites_needed + 1) // 2)
        ]
    )
    env["res.partner"].create(
        [
            {"name": f"Site {site}", "type": "delivery", "parent_id": customer.id}
            for customer in customers
            for site in (1, 2)
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
    ][:sites_needed]
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
    history = [
        (product, site, rng.randint(1, 6), now - timedelta(days=day))
        for product, site, __ in quants
        for day in range(1, history_days + 1)
        if rng.random() < 0.35
    ]
    for start in range(0, len(history), 20000):
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
                    for product, site, quantity, date in history[start : start + 20000]
                ),
            )
        )
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
    return agreements, len(vals), len(history)


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


def run_size(registry, lines, history_days):
    from odoo import SUPERUSER_ID, api, fields

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        __, count, history_rows = generate(env, lines, history_days)
    print(
        (
            f"\n## {count} lines ({history_rows} consumption records over "
            f"{history_days} days)"
        ),
        flush=True,
    )

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Line = env["vmi.agreement.line"]

        def decisions_only():
            all_lines = Line.search([])
            facts = env["vmi.replenishment.data"]._gather(
                all_lines, fields.Datetime.now()
            )
            from odoo.addons.vmi_management.engine import plan

            return plan([line._prepare_engine_input(facts[line]) for line in all_lines])

        seconds_decide, queries_decide, decisions = measure(decisions_only)
        cr.rollback()

    def full_evaluation():
        """As cron workers run it: the run's supply plan first, then one committed batch
        after the other."""
        batches = 0
        with registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["vmi.supply.plan"]._current(
                fields.Datetime.now()
            )
        while True:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                agreements = env["vmi.replenishment"]._claim(
                    fields.Datetime.now(), limit=20
                )
                if not agreements:
                    env["vmi.supply.plan"].search([("state", "=", "open")])._close()
                    return batches
                env["vmi.replenishment"]._evaluate(
                    agreements, trigger="scheduled", now=fields.Datetime.now()
                )
                batches += 1

    def outcome():
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return (
                env["stock.picking"].search_count([("vmi_agreement_id", "!=", False)]),
                env["vmi.agreement.line"].search_count([("last_order_qty", ">", 0)]),
                env["vmi.supply.allocation"].search_count([("short_qty", ">", 0)]),
                env["vmi.agreement.line"].search_count(
                    [("last_decision_reason", "like", "pulled forward")]
                ),
            )

    seconds_full, queries_full, batches = measure(full_evaluation)
    transfers, to_order, __, __ = outcome()

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        short_warehouse(env)
    seconds_short, queries_short, __ = measure(full_evaluation)
    short_transfers, short_to_order, short_lines, pulled = outcome()

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        warehouse = env["stock.warehouse"].search([], limit=1)
        env["vmi.agreement.line"].search([]).flush_recordset()
        env["stock.warehouse.orderpoint"].create(
            [
                {
                    "product_id": line.product_id.id,
                    "location_id": line.location_id.id,
                    "warehouse_id": warehouse.id,
                    "product_min_qty": line.min_qty,
                    "product_max_qty": line.max_qty,
                    "trigger": "manual",
                }
                for line in env["vmi.agreement.line"].search([])
            ]
        )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})

        def native():
            orderpoints = env["stock.warehouse.orderpoint"].search([])
            return sum(
                1 for quantity in orderpoints.mapped("qty_to_order") if quantity > 0
            )

        seconds_native, queries_native, native_to_order = measure(native)

    per_k = 1000 / count
    print(
        f"(a) VMI scheduled evaluation, {batches} batches, proposals included: "
        f"{seconds_full:.2f} s, "
        f"{queries_full * per_k:.0f} queries / 1,000 lines; {to_order} lines to order, "
        f"{transfers} transfers"
    )
    print(
        f"(c) the same with the warehouse short by half and a minimum delivery value: "
        f"{seconds_short:.2f} s, "
        f"{queries_short * per_k:.0f} queries / 1,000 lines; {short_lines} lines "
        f"allocated short, "
        f"{pulled} pulled forward, {short_to_order} lines to order, {short_transfers} "
        f"transfers"
    )
    print(
        f"    VMI decisions only (inputs + engine): {seconds_decide:.2f} s, "
        f"{queries_decide * per_k:.1f} queries / 1,000 lines; "
        f"{sum(1 for decision in decisions if decision.order_qty > 0)} lines to order"
    )
    print(
        f"(b) Odoo reordering rules, quantities to order: {seconds_native:.2f} s, "
        f"{queries_native * per_k:.0f} queries / 1,000 lines; {native_to_order} rules "
        f"to order"
    )
    print(
        f"ratio (b) / decisions only: {seconds_native / seconds_decide:.1f}x; "
        f"(b) / full evaluation: {seconds_native / seconds_full:.1f}x",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--history-days", type=int, default=30)
    parser.add_argument("--database", default="vmi_bench")
    args = parser.parse_args()

    print(f"# VMI replenishment vs Odoo reordering rules ({time.strftime('%Y-%m-%d')})")
    path = configure(args.database)
    for lines in args.lines:
        with fresh_database(args.database, path) as registry:
            run_size(registry, lines, args.history_days)


if __name__ == "__main__":
    main()
