"""The demo, walked in a real headless Chromium as its planner and as each portal user.

The planner (``admin``) opens the clinic's agreement, evaluates it, opens the
proposal and asks a line why it has its quantity, then acknowledges an
exception. Each demo portal user then looks at the stock, a line's history and
projected stock, reports a count and reads its result; the clinic also
acknowledges the delivery the planner ships. Every page is checked at 390 px
and 1440 px; with ``VMI_E2E_SCREENSHOTS`` set, screenshots are written there
(``docs/`` holds a set of them).

Runs against a server whose database holds the demo data (``./run-tests``
serves one); skipped otherwise.
"""

import pytest
from test_portal_browser import (
    WAIT,
    at_width,
    browser,
    check_page,
    screenshot,
    sign_in,
)

__all__ = ["browser"]  # the headless Chromium fixture, shared with the portal test

PLANNER = ("admin", "admin")
PORTAL_USERS = {
    "clinic": ("clinic@vmi-demo.example", "clinic", "agreement_northwind_demo"),
    "hardware": ("hardware@vmi-demo.example", "hardware", "agreement_bluebird_demo"),
    "packaging": ("packaging@vmi-demo.example", "packaging", "agreement_delta_demo"),
}


@pytest.fixture(scope="module")
def demo(odoo):
    """The demo agreements' ids by xmlid; skips on a database without the demo data."""
    data = odoo.env["ir.model.data"].search_read(
        [("module", "=", "vmi_management"), ("model", "=", "vmi.agreement")],
        ["name", "res_id"],
    )
    agreements = {row["name"]: row["res_id"] for row in data}
    if "agreement_northwind_demo" not in agreements:
        pytest.skip("the database has no vmi_management demo data")
    return agreements


def backend(browser, wait, url, name, ready):
    """Open a back-office form at ``url`` and wait for ``ready`` in it.

    A screenshot at each width: the web client's phone layout (buttons in a
    menu, lines as cards) is only looked at; the walk goes on at 1440 px.
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    try:
        for label, width, height, mobile, selector in (
            ("phone", 390, 844, True, ".o_form_view .o_form_sheet"),
            ("laptop", 1440, 900, False, ready),
        ):
            at_width(browser, width, height, mobile)
            browser.get("about:blank")
            browser.get(url)
            wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))
            screenshot(browser, f"planner-{name}-{label}.png")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return browser.find_element(By.CSS_SELECTOR, ready)


def click(browser, wait, selector):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    element = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, selector)))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    return element


def test_planner_evaluates_reads_the_reason_and_acknowledges(browser, odoo, demo):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    browser.set_window_size(1440, 900)
    url = sign_in(browser, wait, *PLANNER, "/odoo")
    agreement_id = demo["agreement_northwind_demo"]
    env = odoo.env

    # the agreement, evaluated now
    form = f"{url}/odoo/action-vmi_management.vmi_agreement_action/{agreement_id}"
    backend(
        browser,
        wait,
        form,
        "agreement",
        ".o_form_view button[name=action_evaluate_now]",
    )
    runs_before = env["vmi.replenishment.run"].search_count([])
    click(browser, wait, "button[name=action_evaluate_now]")
    wait.until(
        lambda _driver: env["vmi.replenishment.run"].search_count([]) > runs_before
    )
    wait.until(EC.url_contains("vmi.replenishment.run"))
    screenshot(browser, "planner-evaluation-run.png")

    # its proposal: each line says why, and opens the decision's steps
    [transfer] = env["stock.picking"].search(
        [
            ("vmi_agreement_id", "=", agreement_id),
            ("state", "not in", ("done", "cancel")),
        ],
        limit=1,
    )
    proposal = f"{url}/odoo/action-stock.action_picking_tree_all/{transfer}"
    backend(browser, wait, proposal, "proposal-reason", "td[name=vmi_reason]")
    reasons = [
        cell.text
        for cell in browser.find_elements(By.CSS_SELECTOR, "td[name=vmi_reason]")
    ]
    assert all(reasons), f"every line of the proposal gives its reason: {reasons}"
    click(browser, wait, "button[name=action_vmi_open_decision]")
    dialog = wait.until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".modal-dialog"))
    )
    assert (
        "Why this quantity?"
        in dialog.find_element(By.CSS_SELECTOR, ".modal-title").text
    )
    screenshot(browser, "planner-why-this-quantity.png")
    click(browser, wait, ".modal-header .btn-close")

    # an exception, acknowledged with a note
    [exception] = env["vmi.exception"].search_read(
        [("state", "=", "open"), ("date_acknowledged", "=", False)],
        ["id", "kind"],
        limit=1,
    )
    page = f"{url}/odoo/action-vmi_management.vmi_exception_action/{exception['id']}"
    backend(
        browser, wait, page, "exception", ".o_form_view button[name=action_acknowledge]"
    )
    click(browser, wait, ".o_form_view button[name=action_acknowledge]")
    note = wait.until(
        EC.visibility_of_element_located(
            (By.CSS_SELECTOR, ".modal div[name=note] textarea")
        )
    )
    note.send_keys("Called the site: a count is on its way.")
    screenshot(browser, "planner-exception-acknowledge.png")
    click(browser, wait, ".modal-footer button[name=action_apply]")
    wait.until(EC.invisibility_of_element_located((By.CSS_SELECTOR, ".modal")))
    [acknowledged] = env["vmi.exception"].read(
        [exception["id"]], ["acknowledged_by_id", "acknowledge_note"]
    )
    assert acknowledged["acknowledge_note"] == "Called the site: a count is on its way."
    assert acknowledged["acknowledged_by_id"], acknowledged


def walk_portal(browser, odoo, demo, user, count=True):
    """Stock, a line's history and projected stock, and (``count``) a count with its
    result page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    login, password, xmlid = PORTAL_USERS[user]
    agreement_id = demo[xmlid]
    wait = WebDriverWait(browser, WAIT)
    browser.set_window_size(1440, 900)
    url = sign_in(browser, wait, login, password, "/my")
    base = f"{url}/my/vmi/{agreement_id}"
    [line] = odoo.env["vmi.agreement.line"].search_read(
        [("agreement_id", "=", agreement_id)], ["product_id"], limit=1, order="id"
    )
    product = line["product_id"][1]

    check_page(
        browser,
        wait,
        base,
        f"{user}-stock",
        ["tbody.o_vmi_stock_lines tr", ".o_vmi_scorecard"],
        [product],
    )
    check_page(
        browser,
        wait,
        f"{base}/lines/{line['id']}",
        f"{user}-line",
        ["canvas.o_vmi_stock_chart", "canvas.o_vmi_projection_chart"],
        [product],
    )
    for selector in ("canvas.o_vmi_stock_chart", "canvas.o_vmi_projection_chart"):
        canvas = browser.find_element(By.CSS_SELECTOR, selector)
        wait.until(
            lambda driver, canvas=canvas: driver.execute_script(
                "return !!(window.Chart && Chart.getChart(arguments[0]))", canvas
            )
        )
    history = browser.execute_script(
        "return Chart.getChart(arguments[0]).data.datasets[0].data.length",
        browser.find_element(By.CSS_SELECTOR, "canvas.o_vmi_stock_chart"),
    )
    assert (
        history >= 60
    ), f"the history chart draws the demo's days, not a dot: {history}"
    projected = browser.execute_script(
        "return Chart.getChart(arguments[0]).data.datasets[0].data.length",
        browser.find_element(By.CSS_SELECTOR, "canvas.o_vmi_projection_chart"),
    )
    assert projected >= 7, f"the projection runs over the planning horizon: {projected}"

    if not count:
        return base, wait
    check_page(
        browser,
        wait,
        f"{base}/count",
        f"{user}-count",
        [f"input[name='on_hand_{line['id']}']", ".o_vmi_last_known"],
    )
    browser.find_element(By.NAME, f"on_hand_{line['id']}").send_keys("12")
    click(browser, wait, "button.o_vmi_count_submit")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".o_vmi_report_state")))
    check_page(
        browser,
        wait,
        browser.current_url,
        f"{user}-count-result",
        [".o_vmi_report_line"],
        [product],
    )
    return base, wait


def test_clinic_walks_its_consigned_stock_and_acknowledges_a_delivery(
    browser, odoo, demo
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    base, wait = walk_portal(browser, odoo, demo, "clinic")
    assert "Consumption billed" in browser.find_element(By.TAG_NAME, "body").text

    # the vendor ships the open transfer: the clinic acknowledges it and finds it
    # under Received
    env = odoo.env
    agreement_id = demo["agreement_northwind_demo"]
    [transfer] = env["stock.picking"].search(
        [
            ("vmi_agreement_id", "=", agreement_id),
            ("state", "not in", ("done", "cancel")),
        ],
        limit=1,
    )
    picking = env["stock.picking"].browse(transfer)
    if picking.state == "draft":
        picking.action_confirm()
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
    picking.with_context(skip_backorder=True).button_validate()
    check_page(
        browser,
        wait,
        f"{base}#shipments",
        "clinic-shipments",
        [".o_vmi_shipment button.o_vmi_acknowledge"],
    )
    click(browser, wait, "button.o_vmi_acknowledge")
    confirmation = wait.until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".o_vmi_acknowledged"))
    )
    assert "acknowledged" in confirmation.text, confirmation.text
    assert (
        "Clara Whitfield"
        in browser.find_element(By.CSS_SELECTOR, ".o_vmi_received").text
    )
    screenshot(browser, "portal-clinic-received.png")


def test_hardware_store_walks_its_own_stock_and_the_proposal_waiting(
    browser, odoo, demo
):
    base, wait = walk_portal(browser, odoo, demo, "hardware")
    check_page(
        browser,
        wait,
        f"{base}/proposals",
        "hardware-proposals",
        ["form.o_vmi_proposal_form"],
    )


def test_packaging_vendor_walks_the_stock_it_manages_for_us(browser, odoo, demo):
    """The vendor looks after our stock: it reads it, we count it (no count form)."""
    walk_portal(browser, odoo, demo, "packaging", count=False)
