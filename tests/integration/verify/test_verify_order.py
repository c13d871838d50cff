"""``verify --order`` (and the verify role's smartermail_verify_order) against a sandbox WHMCS, real everything.

One sandbox host with the install playbook run on it and two products of the fixture module
("Email Hosting", and "Email Pro" which keeps the domain's files on terminate and allows 5
users). verify runs as a subprocess; each test reads what really happened: the simulator's
request log and domains, and the WHMCS database (tblclients, tblorders, tblhosting, tblinvoices,
tblusers, tblactivitylog):

- a passing order per product: the module's Create made the domain (the module's own calls, then
  verify's read of it: 200), its hidden admin logged in, Terminate used the product's option 8,
  and afterwards no row of the test and no domain is left;
- the client-area step: CreateSsoToken, then the link followed over the sandbox's web server (its
  access log shows the single sign-on and the product details page); a Smarty syntax error in the
  installed module's dashboard template fails it naming WHMCS's error page, still cleaned up;
- a product with a bad option (an outgoing IP that is not an address) and a simulator fault on
  domain-put: FAIL naming the module's message (the same text WHMCS logged), still cleaned up;
- SIGINT (to the whole process group, as a terminal's Ctrl-C) while the module's Create is
  running: the Create finishes, then everything is removed, exit 130;
- --dry-run changes nothing; as root without a web user the order is refused with the fix, and
  with a real unprivileged web user php runs as that user;
- the verify role with smartermail_verify_order, and in check mode (the dry run).
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.apply import BACKUP_DIR_NAME
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.record import (
    INSTALLED_MANIFEST_NAME,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.client_area_page import (
    ClientAreaPage,
    page_problem,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs import (
    web_php_user as web_user_module,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import (
    WebUserError,
    web_php_user,
)
from fixtures.cli import cli_command
from fixtures.install import run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import insert, query
from fixtures.users import local_user
from fixtures.verify_cli import clean_env, run_verify

pytestmark = pytest.mark.slow

HOST = "whmcs1"
PRO = {
    "name": "Email Pro",
    "group": "Email",
    "monthly_price": 9.0,
    "currency": "USD",
    "options": {"gb_per_tranche": 20, "delete_data_on_terminate": False, "max_users": 5},
}
STEPS = [
    "add-client",
    "add-order",
    "accept-order",
    "service-active",
    "domain",
    "hidden-admin",
    "client-area",
    "terminate",
    "domain-gone",
]
CLEANUP = ["PendingOrder", "CancelOrder", "DeleteOrder", "DeleteClient"]
TEST_ROWS = {
    "tblclients": "SELECT COUNT(*) AS n FROM tblclients",
    "tblorders": "SELECT COUNT(*) AS n FROM tblorders",
    "tblhosting": "SELECT COUNT(*) AS n FROM tblhosting",
    "tblinvoices": "SELECT COUNT(*) AS n FROM tblinvoices",
    "tblinvoiceitems": "SELECT COUNT(*) AS n FROM tblinvoiceitems",
    "tblusers": "SELECT COUNT(*) AS n FROM tblusers",
}


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        products = [*info.group_vars["smartermail_products"], PRO]
        run = run_playbook(
            info,
            "astral360.smartermail.install",
            "--skip-tags",
            "verify",
            extra_vars={"smartermail_products": products},
        )
        assert run.returncode == 0, run.output[-3000:]
        yield info


# ------------------------------------------------------------------------------------------ helpers


def write_config(box: SandboxInfo, tmp_path: Path, **changes: Any) -> Path:
    """A verify config file: the inventory's variables, the host's WHMCS root, ``changes`` (None drops a key)."""
    config = dict(box.group_vars)
    config["whmcs_roots"] = [str(box.root(HOST))]
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    path = tmp_path / "verify.yml"
    path.write_text(yaml.safe_dump(config))
    path.chmod(0o600)
    return path


def verify(
    config: Path, *args: str, timeout: float = 300
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = run_verify("--config", str(config), "--no-canary", "--format", "json", *args, timeout=timeout)
    assert "Traceback" not in done.stderr, done.stderr
    return done, {check["id"]: check for check in json.loads(done.stdout)["checks"]}


def sim_state(box: SandboxInfo) -> dict[str, Any]:
    with httpx.Client(base_url=box.simulator["url"], verify=box.simulator_verify, timeout=30.0) as client:
        return client.get("/__simulator/state").json()


def sim_control(box: SandboxInfo, method: str, path: str, body: Any = None) -> None:
    with httpx.Client(base_url=box.simulator["url"], verify=box.simulator_verify, timeout=30.0) as client:
        client.request(method, f"/__simulator/{path}", json=body).raise_for_status()


def request_log(box: SandboxInfo) -> list[tuple[str, str, int]]:
    return [(r["method"], r["path"], r["status"]) for r in sim_state(box)["requests"]]


def row_counts(box: SandboxInfo) -> dict[str, int]:
    return {table: int(query(box, sql)[0]["n"]) for table, sql in TEST_ROWS.items()}


def activity(box: SandboxInfo, after_id: int) -> list[str]:
    return [
        row["description"]
        for row in query(box, "SELECT description FROM tblactivitylog WHERE id > %s ORDER BY id", after_id)
    ]


def last_activity_id(box: SandboxInfo) -> int:
    return int(query(box, "SELECT COALESCE(MAX(id), 0) AS n FROM tblactivitylog")[0]["n"])


def assert_nothing_left(box: SandboxInfo, before: dict[str, int], domains: list[str]) -> None:
    assert row_counts(box) == before
    assert not query(box, "SELECT id FROM tblclients WHERE email LIKE %s", "%@example.invalid")
    assert not query(box, "SELECT id FROM tblusers WHERE email LIKE %s", "%@example.invalid")
    for domain in domains:
        assert not query(box, "SELECT id FROM tblhosting WHERE domain = %s", domain)
    assert {d["name"] for d in sim_state(box)["domains"]}.isdisjoint(domains)


def web_log(box: SandboxInfo) -> str:
    """The sandbox web server's log (PHP's built-in server: one line per request)."""
    return (box.directory / "web" / "web.log").read_text(errors="replace")


def copy_row(box: SandboxInfo, table: str, row: dict[str, Any]) -> int:
    """INSERT ``row`` (column names from the table itself, values as parameters); the new id."""
    columns = ", ".join(f"`{column}`" for column in row)
    marks = ", ".join(["%s"] * len(row))
    return insert(box, f"INSERT INTO {table} ({columns}) VALUES ({marks})", *row.values())  # noqa: S608


def add_bad_product(box: SandboxInfo) -> int:
    """A copy of "Email Hosting" whose outgoing IP (option 6) is not an address: the module's Create fails on it."""
    row = query(box, "SELECT * FROM tblproducts WHERE name = 'Email Hosting'")[0]
    source_id = row.pop("id")
    row.update(name="Email Bad Outgoing IP", configoption6="mail-out.example")
    product_id = copy_row(box, "tblproducts", row)
    price = query(box, "SELECT * FROM tblpricing WHERE type = 'product' AND relid = %s", source_id)[0]
    price.pop("id")
    price["relid"] = product_id
    copy_row(box, "tblpricing", price)
    return product_id


def remove_product(box: SandboxInfo, product_id: int) -> None:
    query(box, "DELETE FROM tblpricing WHERE type = 'product' AND relid = %s", product_id)
    query(box, "DELETE FROM tblproducts WHERE id = %s", product_id)


# ------------------------------------------------------------------------------------------- tests


def test_order_per_product_passes_and_leaves_nothing(box: SandboxInfo, tmp_path: Path) -> None:
    before, since = row_counts(box), last_activity_id(box)
    requests_before = len(request_log(box))
    web_before = len(web_log(box))
    done, checks = verify(write_config(box, tmp_path), "--order")
    assert done.returncode == 0, done.stdout + done.stderr
    order = checks["order"]
    assert order["status"] == "pass", order
    # The usage check ran before the test services existed (order waits for it).
    assert checks["usage"]["summary"].startswith("no active services on"), checks["usage"]
    orders = order["details"]["orders"]
    assert [entry["product"] for entry in orders] == ["Email Hosting", "Email Pro"]
    assert order["details"]["php_user"] == getpass.getuser()
    log = request_log(box)[requests_before:]
    for entry, delete_files in zip(orders, ("true", "false"), strict=True):
        domain = entry["domain"]
        assert domain.startswith("smw-order-") and domain.endswith(".test")
        assert entry["steps_done"] == STEPS and entry["cleanup_steps"] == CLEANUP
        assert entry["left_behind"] == [] and not entry["domain_removed_by_verify"]
        assert domain in order["summary"] and entry["hidden_admin"]
        # The module's Create made it (its probe: 404, its settings call), verify found it (200),
        # and the module's Terminate deleted it with the product's own option 8.
        probes = [
            status
            for method, path, status in log
            if method == "GET" and path.endswith(f"/sysadmin/domain/{domain}")
        ]
        assert probes[0] == 404 and 200 in probes and probes[-1] == 404, probes
        assert ("POST", f"/api/v1/settings/sysadmin/domain-settings/{domain}", 200) in log
        deleted = ("POST", f"/api/v1/settings/sysadmin/domain-delete/{domain}/{delete_files}", 200)
        assert deleted in log
        # Between the module's Create and its Terminate the hidden admin logged in and out: the
        # module never logs out, and verify's system administrator only at the end of the run.
        window = log[
            log.index(("POST", f"/api/v1/settings/sysadmin/domain-settings/{domain}", 200)) : log.index(
                deleted
            )
        ]
        assert ("POST", "/api/v1/auth/logout-user", 200) in window
        service = entry["service_id"]
        lines = activity(box, since)
        assert f"Module Create Successful - Service ID: {service}" in lines
        assert f"Module Terminate Successful - Service ID: {service}" in lines
        assert f"Client Deleted - ID: {entry['client_id']}" in lines
        # The client area: the single sign-on link, then the service's page, over HTTP.
        assert f"{domain} ordered and accepted" in order["summary"]
        requests = web_log(box)[web_before:]
        assert f"/clientarea.php?action=productdetails&id={service}" in requests, requests[-2000:]
    assert order["summary"].count("its client-area page renders") == 2
    assert web_log(box)[web_before:].count("/oauth/singlesignon.php?access_token=") == 2
    assert_nothing_left(box, before, [entry["domain"] for entry in orders])


def test_a_broken_module_template_fails_the_client_area_and_is_cleaned_up(
    box: SandboxInfo, tmp_path: Path
) -> None:
    """A Smarty syntax error in the dashboard template of a module copied in by hand (no installed
    manifest, so module-files only warns and the order runs): WHMCS's error page (HTTP 500)."""
    template = box.root(HOST) / "modules/servers/smartermail/templates/overview.tpl"
    manifest = box.root(HOST) / BACKUP_DIR_NAME / INSTALLED_MANIFEST_NAME
    original = template.read_text()
    before, since = row_counts(box), last_activity_id(box)
    template.write_text(original + "\n{if $domain}unclosed\n")
    manifest.rename(manifest.with_suffix(".aside"))
    try:
        config = write_config(box, tmp_path, smartermail_verify_product="Email Hosting")
        done, checks = verify(config, "--order")
    finally:
        template.write_text(original)
        manifest.with_suffix(".aside").rename(manifest)
    assert checks["module-files"]["status"] == "warn", checks["module-files"]
    order = checks["order"]
    assert done.returncode == 1 and order["status"] == "fail", order
    (entry,) = order["details"]["orders"]
    domain, service = entry["domain"], entry["service_id"]
    assert entry["failed_step"] == "client-area"
    assert entry["steps_done"] == STEPS[: STEPS.index("client-area")]
    page = f"clientarea.php?action=productdetails&id={service}"
    assert (
        f"the client area does not show the module's page for {domain}: HTTP 500 at " in order["summary"]
    ), order["summary"]
    assert f"{page}: WHMCS's error page \"Oops! Something went wrong" in order["summary"]
    assert "access_token" not in order["summary"]
    assert "module's templates" in order["hint"] and "Module Log" in order["hint"]
    assert "PHP error log" in order["hint"] and "SystemURL" not in order["hint"]
    # The cleanup terminated the service and removed the rest.
    assert entry["cleanup_steps"] == ["ModuleTerminate", *CLEANUP] and entry["left_behind"] == []
    assert f"Module Terminate Successful - Service ID: {service}" in activity(box, since)
    assert "nothing left behind" in order["summary"]
    assert_nothing_left(box, before, [domain])


@pytest.mark.parametrize(
    ("url", "status", "html", "problem"),
    [
        ("https://w/c.php", 200, "<h3>d.test</h3>", ""),
        (
            "https://w/c.php",
            200,
            "d.test<br />\n<b>Warning</b>:  Undefined variable $x in <b>/w/f.php</b> on line <b>3</b><br />",
            'PHP error text "Warning: Undefined variable $x in /w/f.php on line 3" at https://w/c.php',
        ),
        ("https://w/c.php", 200, "d.test Warning: mailboxes are full", ""),  # not PHP's shape
        (
            "https://w/c.php",
            200,
            '<div class="alert alert-danger"><strong>Mail unreachable</strong> login failed</div>',
            'the module\'s error template "Mail unreachable login failed" at https://w/c.php',
        ),
        (
            "https://w/c.php",
            500,
            "<title>Oops!</title><h2>Something went wrong and we couldn't process your request.</h2>"
            '<p class="debug">SmartyCompilerException: Syntax error</p>',
            "HTTP 500 at https://w/c.php: WHMCS's error page \"Oops! Something went wrong and we couldn't "
            'process your request." with "SmartyCompilerException: Syntax error"',
        ),
        (
            "https://w/index.php?rp=/login",
            200,
            "<form>d.test</form>",
            "the login page (https://w/index.php?rp=/login) instead of the service: the single sign-on did not log in",
        ),
        ("https://w/c.php", 200, "<h3>other.test</h3>", "https://w/c.php (HTTP 200) does not show d.test"),
    ],
)
def test_what_counts_as_the_module_page(url: str, status: int, html: str, problem: str) -> None:
    """The shared rules (verify's client-area step, the sandbox and the demo) on the shapes they tell apart."""
    assert page_problem(ClientAreaPage(url, status, html), "d.test") == problem


def test_a_product_whose_create_fails_names_the_module_message_and_is_cleaned_up(
    box: SandboxInfo, tmp_path: Path
) -> None:
    bad = add_bad_product(box)
    try:
        before, since = row_counts(box), last_activity_id(box)
        done, checks = verify(write_config(box, tmp_path), "--order")
        order = checks["order"]
        assert done.returncode == 1 and order["status"] == "fail", order
        by_product = {entry["product"]: entry for entry in order["details"]["orders"]}
        assert by_product["Email Hosting"]["failed_step"] is None
        failed = by_product["Email Bad Outgoing IP"]
        assert failed["failed_step"] == "accept-order" and failed["left_behind"] == []
        # The module's message, exactly as WHMCS logged it.
        logged = [line for line in activity(box, since) if line.startswith("Module Create Failed")]
        assert len(logged) == 1 and f"Service ID: {failed['service_id']}" in logged[0]
        message = logged[0].split(" - Error: ", 1)[1]
        assert (
            f"'Email Bad Outgoing IP' (id {bad}): AcceptOrder: the module's Create failed: {message}"
            in order["summary"]
        )
        assert order["summary"].startswith("test order failed for 1 of 3 product(s)")
        assert "nothing left behind" in order["summary"] and "module log" in order["hint"]
        assert_nothing_left(box, before, [entry["domain"] for entry in by_product.values()])
    finally:
        remove_product(box, bad)


def test_a_simulator_fault_on_domain_put_fails_the_order_and_cleans_up(
    box: SandboxInfo, tmp_path: Path
) -> None:
    before, since = row_counts(box), last_activity_id(box)
    sim_control(box, "POST", "faults", {"fault": "http-500", "path": "sysadmin/domain-put$", "count": 1})
    try:
        config = write_config(box, tmp_path, smartermail_verify_product="Email Hosting")
        done, checks = verify(config, "--order")
    finally:
        sim_control(box, "DELETE", "faults")
    order = checks["order"]
    assert done.returncode == 1 and order["status"] == "fail", order
    (entry,) = order["details"]["orders"]
    logged = [line for line in activity(box, since) if line.startswith("Module Create Failed")]
    message = logged[0].split(" - Error: ", 1)[1]
    assert f"AcceptOrder: the module's Create failed: {message}" in order["summary"]
    assert entry["cleanup_steps"] == CLEANUP
    assert_nothing_left(box, before, [entry["domain"]])


def test_a_failed_terminate_and_a_domain_left_behind_are_named_with_the_remedy(
    box: SandboxInfo, tmp_path: Path
) -> None:
    """The module's Terminate fails (the step, then the cleanup's second try), and so does verify's own
    delete: the domain is reported, and the remedy the hint gives removes it."""
    before = row_counts(box)
    config = write_config(box, tmp_path, smartermail_verify_product="Email Hosting")
    rule = {"fault": "http-500", "path": "sysadmin/domain-delete/smw-order-", "count": 3}
    sim_control(box, "POST", "faults", rule)
    try:
        done, checks = verify(config, "--order")
    finally:
        sim_control(box, "DELETE", "faults")
    order = checks["order"]
    assert done.returncode == 1 and order["status"] == "fail", order
    (entry,) = order["details"]["orders"]
    domain = entry["domain"]
    assert entry["failed_step"] == "terminate"
    assert "ModuleTerminate: the module's Terminate failed: Error terminating account:" in order["summary"]
    assert (
        f"LEFT BEHIND: 'Email Hosting' (id 1): domain {domain} on SmarterMail (it could not be deleted)"
        in (order["summary"])
    )
    assert "verify --cleanup --canary-prefix smw-order- --older-than 0s" in order["hint"]
    assert row_counts(box) == before  # WHMCS's side was removed all the same
    assert domain in {d["name"] for d in sim_state(box)["domains"]}
    # The remedy the hint gives.
    cleaned = run_verify(
        "--config", str(config), "--cleanup", "--canary-prefix", "smw-order-", "--older-than", "0s"
    )
    assert cleaned.returncode == 0 and f"removed {domain}" in cleaned.stdout, cleaned.stdout + cleaned.stderr
    assert_nothing_left(box, before, [domain])


def test_a_failed_terminate_whose_domain_verify_deletes_leaves_nothing(
    box: SandboxInfo, tmp_path: Path
) -> None:
    before = row_counts(box)
    config = write_config(box, tmp_path, smartermail_verify_product="Email Hosting")
    # The Terminate step and the cleanup's second ModuleTerminate fail; verify's own delete works.
    rule = {"fault": "http-500", "path": "sysadmin/domain-delete/smw-order-", "count": 2}
    sim_control(box, "POST", "faults", rule)
    try:
        done, checks = verify(config, "--order")
    finally:
        sim_control(box, "DELETE", "faults")
    order = checks["order"]
    assert done.returncode == 1 and order["status"] == "fail", order
    (entry,) = order["details"]["orders"]
    assert entry["failed_step"] == "terminate" and entry["domain_removed_by_verify"] is True
    assert entry["cleanup_problems"][0].startswith("ModuleTerminate: Error terminating account:")
    assert entry["left_behind"] == [] and "nothing left behind" in order["summary"]
    assert_nothing_left(box, before, [entry["domain"]])


def test_sigint_while_the_module_creates_the_domain_still_cleans_up(box: SandboxInfo, tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group; the module's Create (hanging on DKIM) finishes, then all is removed."""
    before, since = row_counts(box), last_activity_id(box)
    config = write_config(box, tmp_path, smartermail_verify_product="Email Hosting")
    sim_control(
        box, "POST", "faults", {"fault": "timeout", "path": "settings/domain/dkim-enable", "count": 1}
    )
    process = subprocess.Popen(
        cli_command("verify", "--config", str(config), "--no-canary", "--order", "--format", "json"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(rule["fired"] for rule in sim_state(box)["faults"]):
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.1)
        created = [d["name"] for d in sim_state(box)["domains"] if d["name"].startswith("smw-order-")]
        assert len(created) == 1, "the module's Create had not made the domain yet"
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        sim_control(box, "DELETE", "faults")
    assert process.returncode == 130, out + err
    assert "Traceback" not in err and "SIGINT: stopping" in err
    cleanup = [line for line in err.splitlines() if line.startswith("cleanup: ") and "/order:" in line]
    assert len(cleanup) == 1 and "test order cancelled" in cleanup[0], err
    assert "nothing left behind" in cleanup[0] and created[0] in cleanup[0]
    lines = activity(box, since)
    assert any(line.startswith("Module Create Successful") for line in lines)
    assert any(line.startswith("Module Terminate Successful") for line in lines)
    assert_nothing_left(box, before, created)


def test_dry_run_changes_nothing_and_says_what_it_would_do(box: SandboxInfo, tmp_path: Path) -> None:
    before, since = row_counts(box), last_activity_id(box)
    domains_before = sim_state(box)["domains"]
    requests_before = len(request_log(box))
    done = run_verify(
        "--config", str(write_config(box, tmp_path)), "--order", "--dry-run", "--format", "json"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {check["id"]: check for check in json.loads(done.stdout)["checks"]}
    assert "canary" not in checks  # --dry-run: no canary domain either
    order = checks["order"]
    assert order["status"] == "skip" and order["summary"].startswith(
        "dry run, nothing changed: would place 2 test order(s)"
    )
    plan = order["details"]["plan"]
    assert list(plan) == ["'Email Hosting' (id 1)", "'Email Pro' (id 2)"]
    assert plan["'Email Pro' (id 2)"][0].startswith("AddClient 'smartermail-whmcs verify' <smw-order-")
    assert any(
        step.startswith("AcceptOrder with autosetup on server 'sandbox-simulator'")
        for step in plan["'Email Pro' (id 2)"]
    )
    assert row_counts(box) == before and activity(box, since) == []
    assert sim_state(box)["domains"] == domains_before
    writes = [entry for entry in request_log(box)[requests_before:] if "/sysadmin/domain-" in entry[1]]
    assert writes == []


@pytest.mark.skipif(os.geteuid() != 0, reason="the refusal of root without a web user needs root")
def test_as_root_without_a_web_user_the_order_is_refused_with_the_fix(
    box: SandboxInfo, tmp_path: Path
) -> None:
    before, since = row_counts(box), last_activity_id(box)
    done, checks = verify(write_config(box, tmp_path, whmcs_web_user=None), "--order")
    order = checks["order"]
    assert done.returncode == 1 and order["status"] == "fail"
    assert order["summary"] == (
        "this process runs as root and no WHMCS web user is set: WHMCS's PHP is never run as root in its place "
        "(files WHMCS writes, such as compiled templates, must stay writable by the web server)"
    )
    assert "--web-user USER" in order["hint"] and "whmcs_web_user" in order["hint"]
    assert [check["id"] for check in checks.values() if check["status"] == "fail"] == ["order"]
    assert row_counts(box) == before and activity(box, since) == []


def test_web_user_refusals_wherever_the_tests_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules of web_php_user.py, whoever runs the tests: root needs a web user; others cannot switch."""
    monkeypatch.setattr(web_user_module.os, "geteuid", lambda: 0)
    with pytest.raises(WebUserError, match="no WHMCS web user is set"):
        web_php_user(None)
    with pytest.raises(WebUserError, match="does not exist on this host"):
        web_php_user("no-such-user-smw")
    assert web_php_user("root").switch_to is None  # the web server itself runs PHP as root
    nobody = 65534
    monkeypatch.setattr(web_user_module.os, "geteuid", lambda: nobody)
    with pytest.raises(WebUserError, match="cannot switch users") as refused:
        web_php_user("root")
    assert "sudo -u root smartermail-whmcs verify" in refused.value.hint
    assert web_php_user(None).switch_to is None


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root")
def test_php_runs_as_a_real_unprivileged_web_user(box: SandboxInfo, tmp_path: Path) -> None:
    configuration = box.root(HOST) / "configuration.php"
    with local_user("smwweb") as user:
        before = row_counts(box)
        config = write_config(box, tmp_path, whmcs_web_user=user, smartermail_verify_product="Email Hosting")
        # The sandbox's temporary directory is root's own (0700): the web user cannot reach init.php.
        refused, checks = verify(config, "--order")
        order = checks["order"]
        assert refused.returncode == 1 and order["status"] == "fail"
        assert f"AddClient: WHMCS's PHP ({shutil.which('php')} as {user}) exited" in order["summary"]
        assert "nothing was created, nothing left behind" in order["summary"]
        assert f"sudo -u {user} php -r" in order["hint"]
        assert row_counts(box) == before
        # As on a real host: configuration.php is root's, readable by the web server's group, and
        # the tree can be reached.
        os.chown(configuration, 0, int(subprocess.check_output(["id", "-g", user], text=True)))
        box.directory.chmod(0o711)
        try:
            done, checks = verify(config, "--order")
        finally:
            os.chown(configuration, 0, 0)
            box.directory.chmod(0o700)
    order = checks["order"]
    assert done.returncode == 0 and order["status"] == "pass", order
    assert order["details"]["php_user"] == user and f"PHP as {user}" in order["summary"]
    assert row_counts(box) == before


def test_the_verify_role_runs_the_order_and_check_mode_only_plans_it(
    box: SandboxInfo, tmp_path: Path
) -> None:
    before = row_counts(box)
    reports = tmp_path / "reports"
    extra = {
        "smartermail_verify_order": True,
        "smartermail_verify_canary": False,
        "smartermail_verify_report_dir": str(reports),
    }
    run = run_playbook(box, "astral360.smartermail.verify", extra_vars=extra, tmp_path=tmp_path)
    assert run.returncode == 0 and run.failed(HOST) == 0, run.output[-3000:]
    report = json.loads((reports / f"{HOST}.json").read_text())
    (order,) = [check for check in report["checks"] if check["id"] == "order"]
    assert order["status"] == "pass" and len(order["details"]["orders"]) == 2
    assert row_counts(box) == before
    requests_before = len(request_log(box))
    checked = run_playbook(
        box, "astral360.smartermail.verify", "--check", extra_vars=extra, tmp_path=tmp_path
    )
    assert checked.returncode == 0, checked.output[-3000:]
    report = json.loads((reports / f"{HOST}.json").read_text())
    (order,) = [check for check in report["checks"] if check["id"] == "order"]
    assert order["status"] == "skip" and order["details"]["dry_run"] is True
    assert row_counts(box) == before
    assert not [entry for entry in request_log(box)[requests_before:] if "/sysadmin/domain-" in entry[1]]
