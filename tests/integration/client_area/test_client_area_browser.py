"""The client area in a real browser: headless Chromium (Debian's chromium + chromium-driver,
driven by Selenium) logs in as the sandbox's test client, opens the service, sees the fixture
module's dashboard, creates a mailbox through the module's form, sees it listed, and the
simulator holds it. The final page is saved as tests/output/artifacts/client_area.png.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fixtures.browser import ARTIFACTS, browser_missing, headless_chromium
from fixtures.client_area import DOMAIN, ClientAreaHost, client_area_host

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "browser present"),
]
MAILBOX = "browser-bob"
SCREENSHOT = ARTIFACTS / "client_area.png"


@pytest.fixture(scope="module")
def host() -> Iterator[ClientAreaHost]:
    with client_area_host() as ready:
        yield ready


def test_a_customer_creates_a_mailbox_in_the_client_area(host: ClientAreaHost) -> None:
    from selenium.webdriver.common.by import By

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    with headless_chromium() as browser:
        browser.get(host.product_details)  # not logged in: WHMCS sends the visitor to its login page
        assert "rp=/login" in browser.current_url
        browser.find_element(By.NAME, "username").send_keys(host.email)
        browser.find_element(By.NAME, "password").send_keys(host.password)
        browser.find_element(By.ID, "login").click()

        # Back on the service after the login: the module's dashboard for the domain.
        assert browser.current_url == host.product_details
        overview = browser.find_element(By.CSS_SELECTOR, ".smartermail-overview")
        assert f"Email hosting: {DOMAIN}" in overview.find_element(By.TAG_NAME, "h3").text

        # The module's custom button (modop=custom&a=adduserpage) opens its form.
        browser.find_element(By.LINK_TEXT, "Add a mailbox").click()
        form = browser.find_element(By.CSS_SELECTOR, "form.smartermail-adduser")
        form.find_element(By.NAME, "username").send_keys(MAILBOX)
        form.find_element(By.NAME, "password").send_keys("Browser-Pass-123")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

        # The module redirected back to the service: the new mailbox is listed.
        assert browser.current_url == host.product_details
        mailboxes = [
            item.text for item in browser.find_elements(By.CSS_SELECTOR, ".smartermail-mailboxes li")
        ]
        assert any(text.startswith(f"{MAILBOX}@{DOMAIN}") for text in mailboxes), mailboxes
        assert not browser.find_elements(By.CSS_SELECTOR, ".alert-danger")
        browser.save_screenshot(str(SCREENSHOT))
    assert MAILBOX in host.simulator_users()
    assert SCREENSHOT.stat().st_size > 10_000
