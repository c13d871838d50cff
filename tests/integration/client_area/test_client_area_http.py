"""The sandbox's client area over HTTP: login, the product details page with the fixture module's
dashboard, the module's actions with and without WHMCS's CSRF token, custom functions, the SSO
entry, the error page, and what the web server refuses to serve.

One sandbox for the file (``client_area_host``): real MariaDB, the stand-in's PHP behind
``php -S``, the fixture module against the simulator.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fixtures.client_area import DOMAIN, ClientAreaHost, client_area_host, token_of
from fixtures.sandbox_db import query

pytestmark = pytest.mark.slow
MAILBOX_PASSWORD = "Strong-Pass-123"
PHP_TROUBLE = re.compile(r"PHP (Warning|Notice|Deprecated|Fatal error|Parse error)")


@pytest.fixture(scope="module")
def host() -> Iterator[ClientAreaHost]:
    with client_area_host() as ready:
        yield ready


def location(response: httpx.Response) -> str:
    """The redirect target (resolved against the request, as a browser does) as a path and query."""
    target = urlsplit(urljoin(str(response.url), response.headers["location"]))
    return target.path + (f"?{target.query}" if target.query else "")


def path_of(host: ClientAreaHost, page: str) -> str:
    return urlsplit(host.url(page)).path + ("?" + page.split("?", 1)[1] if "?" in page else "")


def test_system_url_is_the_hosts_client_area(host: ClientAreaHost) -> None:
    rows = query(host.box, "SELECT value FROM tblconfiguration WHERE setting = 'SystemURL'")
    assert rows == [{"value": host.system_url}]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/whmcs1/", host.system_url)


def test_login_with_the_test_clients_password(host: ClientAreaHost) -> None:
    with httpx.Client(timeout=60.0) as browser:
        away = browser.get(host.product_details)
        assert away.status_code == 302 and location(away) == path_of(host, "index.php?rp=/login")
        form = browser.get(host.url("index.php?rp=/login"))
        wrong = browser.post(
            host.url("index.php?rp=/login"),
            data={"username": host.email, "password": "not-the-password", "token": token_of(form.text)},
        )
        assert wrong.status_code == 200 and "Login Details Incorrect. Please try again." in wrong.text
        right = browser.post(
            host.url("index.php?rp=/login"),
            data={"username": host.email, "password": host.password, "token": token_of(wrong.text)},
        )
        # Back to the page that asked for the login.
        assert right.status_code == 302 and location(right) == path_of(
            host, f"clientarea.php?action=productdetails&id={host.service_id}"
        )
        services = browser.get(host.url("clientarea.php"))
        assert services.status_code == 200 and DOMAIN in services.text
        assert f"clientarea.php?action=productdetails&amp;id={host.service_id}" in services.text


def test_a_login_form_without_its_token_is_refused(host: ClientAreaHost) -> None:
    with httpx.Client(timeout=60.0) as browser:
        browser.get(host.url("index.php?rp=/login"))
        forged = browser.post(
            host.url("index.php?rp=/login"), data={"username": host.email, "password": host.password}
        )
        assert forged.status_code == 200 and "Login Details Incorrect" in forged.text
        assert browser.get(host.product_details).status_code == 302


def test_product_details_shows_the_modules_dashboard(host: ClientAreaHost) -> None:
    with host.login() as browser:
        page = browser.get(host.product_details)
    assert page.status_code == 200
    assert f"<h3>Email hosting: {DOMAIN}</h3>" in page.text  # the module's strings reach {$LANG}
    assert 'class="smartermail-overview"' in page.text and "Oops" not in page.text
    # The module's custom button, linked as WHMCS links it.
    assert (
        f"clientarea.php?action=productdetails&amp;id={host.service_id}&amp;modop=custom&amp;a=adduserpage"
        in page.text
    )
    # The page's own service id reached the module's template ({$serviceid} is a page variable).
    assert f"id={host.service_id}&amp;customAction=adduserpage" in page.text


def test_a_module_action_with_the_csrf_token_creates_the_mailbox(host: ClientAreaHost) -> None:
    with host.login() as browser:
        form = browser.get(host.product_details + "&customAction=adduserpage")
        assert form.status_code == 200 and 'name="customAction" value="createuser"' in form.text
        done = browser.post(
            host.product_details,
            data={
                "customAction": "createuser",
                "token": token_of(form.text),
                "username": "alice",
                "password": MAILBOX_PASSWORD,
                "mailboxsize_mb": "0",
            },
        )
        # The module's own redirect and exit end the request.
        assert done.status_code == 302, done.text
        assert location(done) == path_of(host, f"clientarea.php?action=productdetails&id={host.service_id}")
        assert "alice" in host.simulator_users()
        listed = browser.get(host.product_details)
    assert f"alice@{DOMAIN}" in listed.text


def test_a_module_action_without_the_token_ends_the_session(host: ClientAreaHost) -> None:
    with host.login() as browser:
        refused = browser.post(
            host.product_details,
            data={
                "customAction": "createuser",
                "token": "0" * 40,
                "username": "mallory",
                "password": MAILBOX_PASSWORD,
            },
        )
        # check_token() in the client area: the session ends and the visitor is sent to the login page.
        assert refused.status_code == 302 and location(refused) == path_of(host, "index.php?rp=/login")
        assert "mallory" not in host.simulator_users()
        assert browser.get(host.product_details).status_code == 302  # logged out


def test_custom_functions_run_only_when_the_module_allows_them(host: ClientAreaHost) -> None:
    with host.login() as browser:
        page = browser.get(host.product_details + "&modop=custom&a=adduserpage")
        # A custom function's templatefile replaces the page: the module's form, WHMCS's token in it.
        assert page.status_code == 200 and 'class="smartermail-adduser"' in page.text
        # The same session token as on the module's own page reached through customAction.
        assert token_of(page.text) == token_of(
            browser.get(host.product_details + "&customAction=adduserpage").text
        )
        assert 'class="smartermail-overview"' not in page.text
        # Not in ClientAreaAllowedFunctions nor a button: never called (the domain stays).
        refused = browser.get(host.product_details + "&modop=custom&a=TerminateAccount")
        assert refused.status_code == 200 and 'class="smartermail-overview"' in refused.text
    assert host.simulator_users(), "the domain must still exist"


def test_sso_token_logs_in_once_and_lands_on_the_service(host: ClientAreaHost) -> None:
    url = host.sso_url(destination="clientarea:product_details", service_id=host.service_id)
    assert url.startswith(host.system_url + "oauth/singlesignon.php?access_token=")
    with httpx.Client(timeout=60.0) as browser:
        landed = browser.get(url)
        assert landed.status_code == 302 and location(landed) == path_of(
            host, f"clientarea.php?action=productdetails&id={host.service_id}"
        )
        page = browser.get(host.product_details)
        assert page.status_code == 200 and f"Email hosting: {DOMAIN}" in page.text
    with httpx.Client(timeout=60.0) as again:
        reused = again.get(url)
        assert reused.status_code == 401
        assert reused.json() == {
            "error": "invalid_token",
            "error_description": "The access token provided is invalid",
        }


def test_an_expired_sso_token_is_refused(host: ClientAreaHost) -> None:
    url = host.sso_url()
    token = url.rsplit("=", 1)[1]
    # 61 seconds later, as far as the token is concerned.
    query(host.box, "UPDATE tbltransientdata SET expires = expires - 61 WHERE name = %s", f"SsoToken.{token}")
    with httpx.Client(timeout=60.0) as browser:
        late = browser.get(url)
    assert (
        late.status_code == 401
        and late.json()["error_description"] == "The access token provided has expired"
    )


def test_create_sso_token_refusals(host: ClientAreaHost) -> None:
    from fixtures.standin import local_api

    def error(**params: object) -> str:
        answer = local_api(host.root, "CreateSsoToken", params)
        assert answer["result"] == "error", answer
        return str(answer["message"])

    assert error() == "A valid client_id or user_id is required"
    assert error(client_id=999) == "Invalid client_id"
    assert error(client_id=host.client_id, destination="clientarea:nowhere") == "Invalid destination"
    assert error(client_id=host.client_id, user_id=999) == "Invalid user_id"


def test_a_broken_module_template_gives_whmcs_error_page(host: ClientAreaHost) -> None:
    template = host.root / "modules" / "servers" / "smartermail" / "templates" / "overview.tpl"
    original = template.read_text()
    template.write_text(original + "\n{if $domainNotReady}unclosed\n")
    try:
        with host.login() as browser:
            page = browser.get(host.product_details)
    finally:
        template.write_text(original)
    assert page.status_code == 500
    assert (
        "<h1>Oops!</h1>" in page.text
        and "Something went wrong and we couldn't process your request." in page.text
    )
    assert "smartermail-overview" not in page.text  # no half page
    assert "SmartyCompilerException" not in page.text  # details only with Display Errors on
    assert re.search(
        r"WHMCS client area: SmartyCompilerException: Syntax error in template .*overview\.tpl",
        host.web_log(),
    )


def test_the_web_servers_php_is_dns_contained_and_private_folders_are_refused(host: ClientAreaHost) -> None:
    probe = host.root / "dns-probe.php"
    probe.write_text("<?php echo ini_get('disable_functions');")
    try:
        disabled = httpx.get(host.url("dns-probe.php"), timeout=30.0).text.split(",")
    finally:
        probe.unlink()
    assert {"dns_get_record", "gethostbyname", "checkdnsrr", "getmxrr"} <= set(disabled)
    for private in (
        "configuration.php",
        "sandbox/dns.json",
        "templates_c/",
        "vendor/whmcs/",
        "includes/functions.php",
    ):
        assert httpx.get(host.url(private), timeout=30.0).status_code == 403, private


def test_pages_leave_no_php_warning_in_the_web_log(host: ClientAreaHost) -> None:
    with host.login() as browser:
        for page in (
            "clientarea.php",
            f"clientarea.php?action=productdetails&id={host.service_id}",
            f"clientarea.php?action=productdetails&id={host.service_id}&modop=custom&a=adduserpage",
        ):
            assert browser.get(host.url(page)).status_code == 200, page
    lines = [
        line
        for line in host.web_log().splitlines()
        if PHP_TROUBLE.search(line) and "overview.tpl" not in line
    ]
    assert lines == []


def test_every_fixture_template_compiles_under_smarty_31(host: ClientAreaHost) -> None:
    """Each template of the fixture module, compiled and rendered by the stand-in's Smarty (Debian's
    3.1.47 under WHMCS's system security policy), as WHMCS would render it."""
    templates = sorted((host.root / "modules" / "servers" / "smartermail" / "templates").glob("*.tpl"))
    assert len(templates) >= 6
    script = (
        "require $argv[1] . '/init.php';"
        "foreach (array_slice($argv, 2) as $file) {"
        "  WHMCS\\Sandbox\\ClientArea\\View::render($file, ['LANG' => [], 'serviceid' => 1, 'token' => 't',"
        "    'domain' => 'd.test', 'users' => [], 'redirects' => [], 'targets' => [], 'aliases' => [],"
        "    'dkim' => [], 'domainAliases' => []]);"
        '  echo basename($file), "\\n"; }'
    )
    done = subprocess.run(
        ["php", "-d", "error_reporting=-1", "-r", script, str(host.root), *map(str, templates)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.split() == [template.name for template in templates]
