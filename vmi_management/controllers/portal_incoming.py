"""What is on its way to an agreement's sites, as the customer portal shows it.

Two sources say when stock will arrive: transfers confirmed and not yet done
into a site (a consignment transfer, the delivery of a confirmed sale order,
the receipt of a confirmed purchase order), and the shipment notices of
shipments validated but not yet acknowledged by the customer, which carry
their expected arrival. Drafts are proposals nobody has committed to yet.
"""

from collections import namedtuple

from odoo import fields

from ..models.vmi_replenishment_data import OPEN_MOVE_STATES
from ..tools import company_tz, day_start, local_date

RECEIVED_HISTORY = 10

# An open transfer to one site: its moves of the agreement's products, when it is
# expected, and whether that day has passed without it arriving.
OpenTransfer = namedtuple("OpenTransfer", "picking site moves expected overdue")

# The earliest expected arrival of one product at one site.
NextDelivery = namedtuple("NextDelivery", "date overdue")


def site_of(location, sites):
    """The site among ``sites`` holding ``location`` (itself or a parent), or none."""
    return sites.filtered(
        lambda site: location.parent_path.startswith(site.parent_path)
    )[:1]


def open_transfers(agreement, products):
    """The transfers confirmed, neither done nor cancelled, bringing ``products``
    into the agreement's sites, earliest first. A move within one site brings
    nothing in."""
    sites = agreement.location_ids
    moves = agreement.env["stock.move"].search(
        [
            ("product_id", "in", products.ids),
            ("state", "in", OPEN_MOVE_STATES),
            ("location_dest_id", "child_of", sites.ids),
        ],
        order="date, id",
    )
    today = _today_start(agreement)
    grouped = {}
    for move in moves:
        site = site_of(move.location_dest_id, sites)
        if site_of(move.location_id, sites) != site:
            key = (move.picking_id, site)
            grouped[key] = grouped.get(key, move.browse()) | move
    transfers = []
    for (picking, site), picking_moves in grouped.items():
        expected = min(picking_moves.mapped("date"))
        transfers.append(
            OpenTransfer(picking, site, picking_moves, expected, expected < today)
        )
    return sorted(transfers, key=lambda transfer: transfer.expected)


def shipped_notices(agreement):
    """Notices of shipments on their way or arrived, not acknowledged yet."""
    return agreement.env["vmi.shipment.notice"].search(
        [("agreement_id", "=", agreement.id), ("state", "=", "sent")],
        order="date_expected, id",
    )


def received_notices(agreement):
    """The latest shipments the customer acknowledged, newest first."""
    return agreement.env["vmi.shipment.notice"].search(
        [("agreement_id", "=", agreement.id), ("state", "=", "acknowledged")],
        order="date_acknowledged desc, id desc",
        limit=RECEIVED_HISTORY,
    )


def next_deliveries(agreement, transfers, notices):
    """The earliest expected arrival per ``(product id, site id)``.

    An open transfer whose day has passed is still to come: it shows as
    overdue. A notice counts until its expected day is over; after it, the
    shipment has arrived as far as anyone knows.
    """
    today = _today_start(agreement)
    arrivals = [
        ((move.product_id.id, transfer.site.id), move.date, move.date < today)
        for transfer in transfers
        for move in transfer.moves
    ]
    arrivals += [
        ((move.product_id.id, notice.location_id.id), notice.date_expected, False)
        for notice in notices
        if notice.date_expected and notice.date_expected >= today
        for move in notice.picking_id.move_ids
        if move.state == "done"
    ]
    found = {}
    for key, date, overdue in arrivals:
        if key not in found or date < found[key].date:
            found[key] = NextDelivery(date, overdue)
    return found


def _today_start(agreement):
    """When today began in the agreement company's time zone, as naive UTC."""
    tz = company_tz(agreement.company_id)
    return day_start(local_date(fields.Datetime.now(), tz), tz)
