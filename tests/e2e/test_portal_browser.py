"""A customer in a real headless Chromium: log in, look at the managed stock, report a
count, confirm a proposal.

The vendor's side is set up through odoorpc as in the replenishment test: a customer
with a portal user, a consignment agreement whose one line is below its min after an
evaluation. The browser then does what the customer does. Screenshots of the stock page
(laptop and phone widths) and of a line's history chart are written to
``VMI_E2E_SCREENSHOTS`` when it is set.

Needs Chromium and its driver (Debian: ``chromium``, ``chromium-driver``)
and selenium; skipped without them.
"""

import os
import shutil
from pathlib import Path

import pytest

PASSWORD = "portal-e2e-secret"
WAIT = 30


@pytest.fixture(scope="module")
def customer_portal(odoo, tag):
    """A customer with a portal user and an evaluated consignment agreement; returns
    (login, agreement id)."""
    return consignment_customer(odoo, tag, "pat")


def consignment_customer(odoo, tag, name, **agreement_values):
    """A customer with a portal user and an evaluated consignment agreement (a line min
    10 / max 50, 4 on the shelf); returns (login, agreement id, product name)."""
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
            "Chromium and chromedriver are not installed (Debian: chromium, "
            "chromium-driver)"
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


def log_in(browser, wait, url, login):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    browser.delete_all_cookies()
    browser.get(f"{url}/web/login?db={os.environ.get('VMI_E2E_DB', '')}")
    # the login form shows once the page's scripts have run
    wait.until(EC.visibility_of_element_located((By.NAME, "login"))).send_keys(login)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(
        By.CSS_SELECTOR, "form.oe_login_form button[type=submit]"
    ).click()
    wait.until(EC.url_contains("/my"))


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
    url = os.environ["VMI_E2E_URL"].rstrip("/")
    wait = WebDriverWait(browser, WAIT)
    log_in(browser, wait, url, login)

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
    result = browser.find_element(By.CSS_SELECTOR, "tbody.o_vmi_report_lines tr").text
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
    url = os.environ["VMI_E2E_URL"].rstrip("/")
    wait = WebDriverWait(browser, WAIT)
    log_in(browser, wait, url, login)

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
