"""A customer in a real headless Chromium: log in, look at the managed stock, report a
count, confirm a proposal.

The vendor's side is set up through odoorpc as in the replenishment test: a
customer with a portal user, a consignment agreement whose one line is below
its min after an evaluation. The browser then does what the customer does.
Every portal page is also loaded at a phone's width (390 px) and a laptop's (1440 px):
none may scroll sideways, and each page's key content must be shown within the width.
Screenshots (each page at both widths, the stock page and a line's history chart) are
written to ``VMI_E2E_SCREENSHOTS`` when it is set.

Needs Chromium and its driver (Debian: ``chromium``, ``chromium-driver``)
and selenium; skipped without them.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

PASSWORD = "portal-e2e-secret"
WAIT = 30
CHART_ANIMATION = 1.5  # seconds Chart.js takes to draw a chart


@pytest.fixture(scope="module")
def customer_portal(odoo, tag):
    """A customer with a portal user and an evaluated consignment agreement.

    :returns: (login, agreement id, product name)
    """
    return consignment_customer(odoo, tag, "pat")


def consignment_customer(odoo, tag, name, **agreement_values):
    """A customer with a portal user and an evaluated consignment agreement (a line
    min 10 / max 50, 4 on the shelf); returns (login, agreement id, product name)."""
    env = odoo.env
    customer = env["res.partner"].create(
        {"name": f"Portal Clinic {name} {tag}", "is_company": True}
    )
    contact = env["res.partner"].create(
        {
            "name": f"{name} Buyer {tag}",
            "parent_id": customer,
            "email": f"{name}.{tag.lower()}@example.com",
        }
    )
    login = f"{name}.{tag.lower()}"
    env["res.users"].create(
        {
            "name": f"{name} Buyer {tag}",
            "login": login,
            "password": PASSWORD,
            "partner_id": contact,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
    product = env["product.product"].create(
        {
            "name": f"Nitrile Gloves {name} {tag}",
            "default_code": f"GLV-{name}-{tag}",
            "type": "consu",
            "is_storable": True,
            "standard_price": 4.0,
        }
    )
    agreement_id = env["vmi.agreement"].create(
        {
            "partner_id": customer,
            "role": "vendor",
            "ownership": "consignment",
            **agreement_values,
        }
    )
    agreement = env["vmi.agreement"].browse(agreement_id)
    agreement.action_create_site_locations()
    env["vmi.agreement.line"].create(
        {
            "agreement_id": agreement_id,
            "product_id": product,
            "location_id": agreement.location_ids.ids[0],
            "policy": "min_max",
            "min_qty": 10.0,
            "max_qty": 50.0,
        }
    )
    agreement.action_activate()
    quant = (
        env["stock.quant"]
        .with_context(inventory_mode=True)
        .create(
            {
                "product_id": product,
                "location_id": agreement.location_ids.ids[0],
                "inventory_quantity": 4.0,
            }
        )
    )
    env["stock.quant"].browse(quant).action_apply_inventory()
    warehouse_stock = env["stock.warehouse"].read(
        [agreement.warehouse_id.id], ["lot_stock_id"]
    )[0]["lot_stock_id"][0]
    quant = (
        env["stock.quant"]
        .with_context(inventory_mode=True)
        .create(
            {
                "product_id": product,
                "location_id": warehouse_stock,
                "inventory_quantity": 500.0,
            }
        )
    )
    env["stock.quant"].browse(quant).action_apply_inventory()
    agreement.action_evaluate_now()
    return login, agreement_id, f"Nitrile Gloves {name} {tag}"


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip(
            "Chromium and chromedriver are not installed "
            "(Debian: chromium, chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1366,900",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=driver_path)
    )
    yield driver
    driver.quit()


def sign_in(browser, wait, login, password, landing):
    """Sign in through the login form and wait for ``landing``; returns the server URL.

    The page before is left first and every cookie of the browser dropped: a page
    still open (the web client's requests, its bus) could otherwise hand the
    browser a new session after the login form was served, and the form's CSRF
    token would no longer match. When the form does not lead to ``landing``, the
    error names the page reached and what it says.
    """
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    url = os.environ["VMI_E2E_URL"].rstrip("/")
    browser.get("about:blank")
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get(f"{url}/web/login?db={os.environ.get('VMI_E2E_DB', '')}")
    # the login form shows once the page's scripts have run
    wait.until(EC.visibility_of_element_located((By.NAME, "login"))).send_keys(login)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(
        By.CSS_SELECTOR, "form.oe_login_form button[type=submit]"
    ).click()
    try:
        wait.until(EC.url_contains(landing))
    except TimeoutException:
        page = browser.find_element(By.TAG_NAME, "body").text[:500]
        raise AssertionError(
            f"signing in as {login} did not reach {landing}: the browser is at "
            f"{browser.current_url}, which says: {page!r}"
        ) from None
    return url


def screenshot(browser, name):
    folder = os.environ.get("VMI_E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / name))


def test_customer_logs_in_sees_the_stock_and_reports_a_count(browser, customer_portal):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    login, agreement_id, product_name = customer_portal
    wait = WebDriverWait(browser, WAIT)
    url = sign_in(browser, wait, login, PASSWORD, "/my")

    browser.get(f"{url}/my/vmi")
    browser.find_element(By.CSS_SELECTOR, f"a[href='/my/vmi/{agreement_id}']").click()
    rows = wait.until(
        EC.presence_of_all_elements_located(
            (By.CSS_SELECTOR, "tbody.o_vmi_stock_lines tr")
        )
    )
    assert len(rows) == 1
    assert product_name in rows[0].text
    assert "Below min" in rows[0].text, rows[0].text
    assert (
        "Last data received"
        in browser.find_element(By.CSS_SELECTOR, ".o_vmi_data_date").text
    )
    assert "Fill rate" in browser.find_element(By.CSS_SELECTOR, ".o_vmi_scorecard").text
    screenshot(browser, "portal-stock.png")

    browser.set_window_size(390, 844)  # a phone
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    ), "the stock page fits a phone's width"
    screenshot(browser, "portal-stock-phone.png")
    browser.set_window_size(1366, 900)

    browser.find_element(By.CSS_SELECTOR, "tbody.o_vmi_stock_lines td a").click()
    canvas = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "canvas.o_vmi_stock_chart"))
    )
    wait.until(
        lambda driver: driver.execute_script(
            "return !!(window.Chart && Chart.getChart(arguments[0]))", canvas
        )
    )
    assert (
        browser.execute_script(
            "return Chart.getChart(arguments[0]).data.datasets.length", canvas
        )
        == 4
    )
    screenshot(browser, "portal-line-chart.png")
    browser.back()

    wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "a.o_vmi_report_stock"))
    ).click()
    field = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "input[name^='on_hand_']"))
    )
    field.send_keys("14")
    browser.find_element(By.CSS_SELECTOR, "input[name^='consumed_']").send_keys("3")
    browser.find_element(By.CSS_SELECTOR, "button.o_vmi_count_submit").click()

    state = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".o_vmi_report_state"))
    )
    assert "1 of 1 lines applied" in " ".join(state.text.split()), state.text
    result = browser.find_element(By.CSS_SELECTOR, ".o_vmi_report_line").text
    assert product_name in result and "Applied" in result, result


def test_customer_confirms_a_proposal_with_its_own_quantity(browser, odoo, tag):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    login, agreement_id, product_name = consignment_customer(
        odoo,
        tag,
        "robin",
        confirmation_required=True,
        confirmation_tolerance_percent=10.0,
    )
    wait = WebDriverWait(browser, WAIT)
    url = sign_in(browser, wait, login, PASSWORD, "/my")

    browser.get(f"{url}/my/vmi/{agreement_id}")
    wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "a.o_vmi_proposals"))
    ).click()
    form = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "form.o_vmi_proposal_form"))
    )
    assert product_name in form.text and "order up to max 50" in form.text, form.text
    form.find_element(By.CSS_SELECTOR, "input[name^='qty_']").send_keys(
        "44"
    )  # 46 proposed: within 10 %
    screenshot(browser, "portal-proposal.png")
    form.find_element(By.CSS_SELECTOR, "button.o_vmi_proposal_submit").click()

    answered = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".o_vmi_proposal_answered"))
    )
    assert "Confirmed by the customer" in answered.text, answered.text
    assert browser.find_elements(By.CSS_SELECTOR, ".o_vmi_no_proposal")
    transfers = odoo.env["stock.picking"].search_read(
        [("vmi_agreement_id", "=", agreement_id)], ["state"]
    )
    assert [transfer["state"] for transfer in transfers] == ["assigned"], transfers
    moves = odoo.env["stock.move"].search_read(
        [("picking_id", "=", transfers[0]["id"])], ["product_uom_qty"]
    )
    assert [move["product_uom_qty"] for move in moves] == [44.0]


# ----------------------------------------------------------------------
# Every portal page on a phone and on a laptop
# ----------------------------------------------------------------------

WIDTHS = {"phone": (390, 844, True), "laptop": (1440, 900, False)}


def at_width(browser, width, height, mobile):
    """Emulate a viewport of exactly ``width`` CSS pixels.

    A window cannot be made narrower than about 500 px.
    """
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def check_page(browser, wait, url, name, selectors, texts=()):
    """Load ``url`` at each width: no sideways scroll, each of ``selectors`` shown, each
    of ``texts`` in the page.

    A screenshot per width is written to ``VMI_E2E_SCREENSHOTS`` when set.
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    try:
        for label, (width, height, mobile) in WIDTHS.items():
            at_width(browser, width, height, mobile)
            browser.get(
                "about:blank"
            )  # a URL differing only by its #fragment would not load again
            browser.get(url)
            wait.until(
                EC.presence_of_element_located((By.CSS_SELECTOR, "footer, #wrapwrap"))
            )
            assert browser.execute_script("return window.innerWidth") == width
            for selector in selectors:
                element = wait.until(
                    EC.presence_of_element_located((By.CSS_SELECTOR, selector))
                )
                assert (
                    element.is_displayed()
                ), f"{name} at {width} px: {selector} is not shown"
                right = browser.execute_script(
                    "return arguments[0].getBoundingClientRect().right", element
                )
                assert (
                    right <= width + 1
                ), f"{name} at {width} px: {selector} reaches {right} px, out of sight"
            text = browser.find_element(By.TAG_NAME, "body").text
            for expected in texts:
                assert expected in text, f"{name} at {width} px: '{expected}' not shown"
            overflow = browser.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert (
                overflow[0] <= overflow[1]
            ), f"{name} scrolls sideways at {width} px: {overflow}"
            first = browser.find_element(By.CSS_SELECTOR, selectors[0])
            browser.execute_script(
                "arguments[0].scrollIntoView({block: 'center'})", first
            )
            if browser.find_elements(By.TAG_NAME, "canvas"):
                time.sleep(CHART_ANIMATION)  # the picture shows the charts drawn
            screenshot(browser, f"portal-{name}-{label}.png")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_every_portal_page_fits_a_phone_and_a_laptop(browser, odoo, tag):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    login, agreement_id, product_name = consignment_customer(
        odoo, tag, "sky", confirmation_required=True
    )
    env = odoo.env
    line_id = env["vmi.agreement.line"].search([("agreement_id", "=", agreement_id)])[0]
    env["vmi.agreement.line"].browse(line_id).write(
        {"customer_product_code": f"SKY-{tag}"}
    )
    wait = WebDriverWait(browser, WAIT)
    url = sign_in(browser, wait, login, PASSWORD, "/my")
    base = f"{url}/my/vmi/{agreement_id}"

    check_page(
        browser,
        wait,
        f"{url}/my/vmi",
        "agreements",
        [f"a[href='/my/vmi/{agreement_id}']"],
    )
    check_page(
        browser,
        wait,
        base,
        "stock",
        ["tbody.o_vmi_stock_lines tr", ".o_vmi_scorecard"],
        [product_name, "Last data received", "Nothing on order"],
    )
    check_page(
        browser,
        wait,
        f"{base}/lines/{line_id}",
        "line",
        ["canvas.o_vmi_stock_chart"],
        [product_name],
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "canvas.o_vmi_stock_chart")
    wait.until(
        lambda driver: driver.execute_script(
            "return !!(window.Chart && Chart.getChart(arguments[0]))", canvas
        )
    )
    check_page(browser, wait, f"{base}/events", "events", ["form.o_vmi_event_form"])
    check_page(
        browser,
        wait,
        f"{base}/review?report_type=html",
        "review",
        ["body"],
        ["Fill rate"],
    )

    # the proposal waits for the customer; once confirmed, it is a shipment on its way
    check_page(
        browser,
        wait,
        f"{base}/proposals",
        "proposals",
        ["form.o_vmi_proposal_form"],
        [product_name],
    )
    browser.find_element(By.CSS_SELECTOR, "button.o_vmi_proposal_submit").click()
    wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".o_vmi_proposal_answered"))
    )
    check_page(
        browser,
        wait,
        f"{base}#shipments",
        "shipments-incoming",
        [".o_vmi_incoming_transfer"],
        ["Incoming shipments", "Expected"],
    )

    # the vendor ships it: the customer acknowledges receipt and finds it under Received
    picking_id = env["stock.picking"].search([("vmi_agreement_id", "=", agreement_id)])[
        0
    ]
    for move in env["stock.move"].browse(
        env["stock.move"].search([("picking_id", "=", picking_id)])
    ):
        move.quantity = move.product_uom_qty
    env["stock.picking"].browse(picking_id).with_context(
        skip_backorder=True
    ).button_validate()
    check_page(
        browser,
        wait,
        f"{base}#shipments",
        "shipments-shipped",
        [".o_vmi_shipment button.o_vmi_acknowledge"],
    )
    browser.find_element(By.CSS_SELECTOR, "button.o_vmi_acknowledge").click()
    confirmation = wait.until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".o_vmi_acknowledged"))
    )
    assert "acknowledged" in confirmation.text, confirmation.text
    received = browser.find_element(By.CSS_SELECTOR, ".o_vmi_received").text
    assert "sky Buyer" in received, received
    screenshot(browser, "portal-shipments-received.png")

    # a count: the form shows the last known quantity and the customer's code at both
    # widths
    check_page(
        browser,
        wait,
        f"{base}/count",
        "count",
        ["input[name^='on_hand_']", ".o_vmi_last_known", ".o_vmi_customer_code"],
        [f"SKY-{tag}"],
    )
    browser.find_element(By.CSS_SELECTOR, "input[name^='on_hand_']").send_keys("3")
    browser.find_element(By.CSS_SELECTOR, "button.o_vmi_count_submit").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".o_vmi_report_state")))
    check_page(
        browser,
        wait,
        browser.current_url,
        "count-result",
        [".o_vmi_report_line"],
        [product_name, f"SKY-{tag}", "Consumption billed"],
    )

    # the shortfall is billed; the stock page lists the billing
    env["vmi.agreement"].browse(agreement_id).action_bill_consumption()
    check_page(
        browser,
        wait,
        f"{base}#shipments",
        "billing",
        [".o_vmi_billing_row"],
        ["Consumption billed"],
    )
