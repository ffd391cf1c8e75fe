"""End-to-end tests: a real client talks to a running Odoo with vmi_management
installed.

They run when ``VMI_E2E_URL`` names such a server (``./run-tests`` starts one
on the demo database) and are skipped otherwise:

    VMI_E2E_URL=http://localhost:8069 VMI_E2E_DB=vmi VMI_E2E_LOGIN=admin
    VMI_E2E_PASSWORD=admin \
        python3 -m pytest tests/e2e -q

The login must be a VMI Manager with the right to run scheduled actions
(the administrator of a new database is both).
"""

import os
import uuid
from urllib.parse import urlsplit

import pytest

TIMEOUT = 300


@pytest.fixture(scope="session")
def odoo():
    """An odoorpc connection to the server, logged in."""
    url = os.environ.get("VMI_E2E_URL")
    if not url:
        pytest.skip(
            "no running Odoo server: set VMI_E2E_URL (and VMI_E2E_DB, "
            "VMI_E2E_LOGIN, VMI_E2E_PASSWORD)"
        )
    odoorpc = pytest.importorskip("odoorpc")
    address = urlsplit(url)
    secure = address.scheme == "https"
    client = odoorpc.ODOO(
        address.hostname,
        protocol="jsonrpc+ssl" if secure else "jsonrpc",
        port=address.port or (443 if secure else 80),
        timeout=TIMEOUT,
    )
    client.login(
        os.environ.get("VMI_E2E_DB", "vmi"),
        os.environ.get("VMI_E2E_LOGIN", "admin"),
        os.environ.get("VMI_E2E_PASSWORD", "admin"),
    )
    return client


@pytest.fixture(scope="session")
def tag():
    """A suffix that keeps this run's records apart from earlier runs on the same
    database."""
    return uuid.uuid4().hex[:8].upper()
