#!/usr/bin/env python3
"""How a customer's system talks to the vendor's Odoo running vmi_management.

Push a stock report and pull advance shipping notices over the HTTP API
(authenticated with an Odoo API key), and pull the VMI sale orders with
odoorpc (JSON-RPC, login and password of the same portal user).

    python3 examples/vmi_client.py --url https://erp.vendor.example --api-key KEY \
        push --agreement VMI/0001 stock.csv
    python3 examples/vmi_client.py --url ... --api-key KEY push-json \
        --agreement VMI/0001 --line FURN-0001 SITE-NORTH 12 5
    python3 examples/vmi_client.py --url ... --api-key KEY shipments
    python3 examples/vmi_client.py --url ... --api-key KEY asn 42 --format edifact
    python3 examples/vmi_client.py --url ... orders --db vmi \
        --login buyer@customer.example --password ...

Every command prints the server's answer as JSON and exits non-zero when the
server refused the request.
"""

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import requests

TIMEOUT = 60


def api(args, method, path, **kwargs):
    response = requests.request(
        method,
        f"{args.url.rstrip('/')}/vmi/api/v1/{path}",
        timeout=TIMEOUT,
        headers={
            "Authorization": f"Bearer {args.api_key}",
            **kwargs.pop("headers", {}),
        },
        **kwargs,
    )
    return response.status_code, response


def push(args):
    """Send a file as it is: CSV, X12 852 or EDIFACT INVRPT/SLSRPT."""
    path = Path(args.file)
    return api(
        args,
        "POST",
        "stock-reports",
        params={"agreement": args.agreement, "filename": path.name},
        data=path.read_bytes(),
        headers={"Content-Type": "application/octet-stream"},
    )


def push_json(args):
    """Send structured lines: product, location, on hand, consumed."""
    lines = [
        {
            "product": product,
            "location": location,
            "on_hand": float(on_hand),
            "consumed": float(consumed),
        }
        for product, location, on_hand, consumed in args.line
    ]
    body = {"agreement": args.agreement, "lines": lines}
    if args.as_of:
        body["as_of"] = args.as_of
    return api(args, "POST", "stock-reports", json=body)


def shipments(args):
    return api(args, "GET", "shipments")


def asn(args):
    return api(args, "GET", f"shipments/{args.id}/asn", params={"format": args.format})


def orders(args):
    """The VMI sale orders proposed to us, through odoorpc."""
    import odoorpc

    url = urlsplit(args.url)
    odoo = odoorpc.ODOO(
        url.hostname,
        protocol="jsonrpc+ssl" if url.scheme == "https" else "jsonrpc",
        port=url.port or (443 if url.scheme == "https" else 80),
        timeout=TIMEOUT,
    )
    odoo.login(args.db, args.login, args.password)
    found = odoo.env["sale.order"].search_read(
        [("vmi_agreement_id", "!=", False)],
        ["name", "state", "client_order_ref", "amount_total"],
    )
    return 200, found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        required=True,
        help="the vendor's Odoo, e.g. https://erp.vendor.example",
    )
    parser.add_argument("--api-key", help="an Odoo API key of your portal user")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("push", help="send a stock report file")
    command.add_argument("--agreement", required=True)
    command.add_argument("file")
    command.set_defaults(run=push)
    command = commands.add_parser("push-json", help="send stock report lines as JSON")
    command.add_argument("--agreement", required=True)
    command.add_argument(
        "--as-of", help="when the stock was counted, YYYY-MM-DD HH:MM:SS (UTC)"
    )
    command.add_argument(
        "--line",
        nargs=4,
        action="append",
        required=True,
        metavar=("PRODUCT", "LOCATION", "ON_HAND", "CONSUMED"),
    )
    command.set_defaults(run=push_json)
    command = commands.add_parser("shipments", help="list advance shipping notices")
    command.set_defaults(run=shipments)
    command = commands.add_parser(
        "asn", help="download one notice as X12 856 or EDIFACT DESADV"
    )
    command.add_argument("id", type=int)
    command.add_argument("--format", choices=("x12", "edifact"), default="x12")
    command.set_defaults(run=asn)
    command = commands.add_parser("orders", help="list VMI sale orders (odoorpc)")
    command.add_argument("--db", required=True)
    command.add_argument("--login", required=True)
    command.add_argument("--password", required=True)
    command.set_defaults(run=orders)
    args = parser.parse_args(argv)
    status, answer = args.run(args)
    if isinstance(answer, requests.Response):
        is_json = answer.headers.get("Content-Type", "").startswith("application/json")
        answer = answer.json() if is_json else {"document": answer.text}
    json.dump(
        {
            "status": status,
            **(answer if isinstance(answer, dict) else {"records": answer}),
        },
        sys.stdout,
        indent=2,
        default=str,
    )
    sys.stdout.write("\n")
    return 0 if status < 400 else 1


if __name__ == "__main__":
    sys.exit(main())
