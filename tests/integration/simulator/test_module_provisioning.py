"""The fixture module's lifecycle (Create, Suspend, Unsuspend, Terminate) against the simulator over HTTP and HTTPS.

Each function runs in real php as WHMCS calls it; the test then reads the simulator's state and
logs in through its API, so it proves both the module's calls (module-api-calls.md 3.1-3.3) and
what the simulator made of them. Create's write of a generated hidden admin goes to a real WHMCS
database (MariaDB, the sandbox schema) through Capsule on Illuminate Database.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fixtures.fixture_module import ModuleRun, decrypt_for_test, module_params, needs_php, run_for
from fixtures.mariadb import WhmcsDatabase
from fixtures.simulator import RunningSimulator, simulator_over_http_and_https
from fixtures.simulator_api import LOGIN, SA, Calls, bearer, create_domain, impersonate, login

pytestmark = needs_php
sim = simulator_over_http_and_https()

DOMAIN = "shop.test"
ADMIN = "mailadmin"  # 8+ letters: the module keeps it
ADMIN_PASSWORD = "Kept-Pass-2024!"  # passes the module's default rules (options 9-12)
SERVICE_ID = 7  # module_params' serviceid

CREATE_CALLS = [
    ("POST", "auth/authenticate-user", 200),
    ("GET", f"settings/sysadmin/domain/{DOMAIN}", 404),
    ("POST", "settings/sysadmin/domain-put", 200),
    ("POST", f"settings/sysadmin/domain-settings/{DOMAIN}", 200),
    ("POST", f"settings/sysadmin/manage-domain/{DOMAIN}", 200),
    ("POST", "settings/domain/dkim-enable/false", 200),
    ("GET", "settings/domain/domain", 200),
]


def params(sim: RunningSimulator, **overrides: Any) -> dict[str, Any]:
    return module_params(
        sim, **{"domain": DOMAIN, "username": ADMIN, "password": ADMIN_PASSWORD, **overrides}
    )


def run(sim: RunningSimulator, function: str, **overrides: Any) -> ModuleRun:
    return run_for(sim, f"smartermail_{function}", params(sim, **overrides))


def create(sim: RunningSimulator, database: WhmcsDatabase | None = None, **overrides: Any) -> ModuleRun:
    return run_for(sim, "smartermail_CreateAccount", params(sim, **overrides), database=database)


def domain_state(sim: RunningSimulator, name: str = DOMAIN) -> dict[str, Any] | None:
    return next((d for d in sim.state()["domains"] if d["name"] == name), None)


def logs_in(sim: RunningSimulator, user: str, password: str, domain: str = DOMAIN) -> bool:
    with sim.client() as client:
        answer = client.post(LOGIN, json={"username": f"{user}@{domain}", "password": password})
    return answer.status_code == 200 and bool(answer.json().get("accessToken"))


def add_existing_domain(sim: RunningSimulator, name: str) -> None:
    with sim.client() as client:
        create_domain(client, bearer(login(client)["accessToken"]), name)


# ------------------------------------------------------------------------------------------ Create
def test_create_makes_the_module_calls_and_the_domain_has_its_hidden_admin(sim: RunningSimulator) -> None:
    calls = Calls(sim)
    assert create(sim).result == "success"
    assert calls.made() == CREATE_CALLS  # a pending DKIM key came from dkim-enable: no rollover
    domain = domain_state(sim)
    assert domain is not None
    assert domain["primaryAdmin"] == ADMIN and domain["users"] == [ADMIN]
    assert logs_in(sim, ADMIN, ADMIN_PASSWORD)
    assert (domain["hostname"], domain["path"]) == (f"mail.{DOMAIN}", f"C:\\SmarterMail\\Domains\\{DOMAIN}")
    assert (domain["userLimit"], domain["isEnabled"]) == (0, True)
    settings = domain["settings"]
    assert settings["enableMailForwarding"] is True and settings["enableSmtpAccounts"] is True
    assert settings["enableActiveSyncAccountManagement"] is True  # options 14 and 15 default to on
    assert settings["enableMapiEwsAccountManagement"] is True
    assert settings["outgoingIP"] == ""  # option 6 'default'
    assert domain["ignoredSettings"] == []
    assert domain["dkim"]["enabled"] is True


def test_create_sends_the_product_options(sim: RunningSimulator) -> None:
    options = {
        "configoption5": "D:\\Mail\\",
        "configoption6": "192.0.2.25",
        "configoption7": "25",
        "configoption14": "",
        "configoption15": "on",
    }
    assert create(sim, **options).result == "success"
    domain = domain_state(sim)
    assert domain is not None
    assert (domain["path"], domain["userLimit"]) == (f"D:\\Mail\\{DOMAIN}", 25)
    assert domain["settings"]["outgoingIP"] == "192.0.2.25"
    assert domain["settings"]["enableActiveSyncAccountManagement"] is False
    assert domain["settings"]["enableMapiEwsAccountManagement"] is True


def test_create_makes_a_dkim_key_by_rollover_when_enabling_left_none(sim: RunningSimulator) -> None:
    sim.control("POST", "faults", json={"fault": "http-500", "path": "dkim-enable/false$", "count": 1})
    calls = Calls(sim)
    assert create(sim).result == "success"
    assert calls.made()[5:] == [
        ("POST", "settings/domain/dkim-enable/false", 500),
        ("GET", "settings/domain/domain", 200),
        ("POST", "settings/domain/dkim-create-rollover/2048", 200),
    ]
    domain = domain_state(sim)
    assert domain is not None and domain["dkim"]["rolloverPending"] is True


def test_a_dkim_failure_never_fails_create(sim: RunningSimulator) -> None:
    sim.control("POST", "faults", json={"fault": "http-500", "path": "manage-domain/", "count": 1})
    calls = Calls(sim)
    run = create(sim)
    assert run.result == "success"
    assert calls.made()[-1] == ("POST", f"settings/sysadmin/manage-domain/{DOMAIN}", 500)
    assert any("DKIM left off" in line for line in run.activity_log)
    assert logs_in(sim, ADMIN, ADMIN_PASSWORD)


def test_create_refuses_a_domain_that_exists_before_any_change(sim: RunningSimulator) -> None:
    add_existing_domain(sim, DOMAIN)
    calls = Calls(sim)
    result = create(sim).result
    assert result.startswith(f'Error: Domain "{DOMAIN}" already exists in SmarterMail')
    assert calls.made() == [*CREATE_CALLS[:1], ("GET", f"settings/sysadmin/domain/{DOMAIN}", 200)]
    assert not logs_in(sim, ADMIN, ADMIN_PASSWORD)


def test_create_reports_a_name_in_use_by_a_domain_alias(sim: RunningSimulator) -> None:
    """GET domain/{alias} says 404, so only domain-put finds the clash (DOMAIN_ADD_ERROR_NAME_IN_USE)."""
    add_existing_domain(sim, "main.test")
    with sim.client() as client:
        sa = bearer(login(client)["accessToken"])
        da = impersonate(client, sa, "main.test")
        assert (
            client.post(f"/api/v1/settings/domain/domain-alias-put/{DOMAIN}/false/", headers=da).status_code
            == 200
        )
    calls = Calls(sim)
    result = create(sim).result
    assert result == f'Error: SmarterMail already uses the name "{DOMAIN}" (a domain or a domain alias).'
    assert calls.paths()[-1] == "settings/sysadmin/domain-put"


def test_create_rolls_back_when_the_domain_settings_fail(sim: RunningSimulator) -> None:
    sim.control("POST", "faults", json={"fault": "http-500", "path": "sysadmin/domain-settings/", "count": 1})
    calls = Calls(sim)
    result = create(sim).result
    assert result == (
        "Error configuring the new domain in SmarterMail (domain deleted): INTERNAL_SERVER_ERROR"
    )
    assert calls.made()[3:] == [
        ("POST", f"settings/sysadmin/domain-settings/{DOMAIN}", 500),
        ("POST", f"settings/sysadmin/domain-delete/{DOMAIN}/true", 200),
    ]
    assert domain_state(sim) is None
    assert sim.state()["deletions"] == [{"domain": DOMAIN, "deleteFiles": True}]


def test_an_empty_domain_goes_to_smartermail_which_refuses_it(sim: RunningSimulator) -> None:
    """The module does not check the domain itself: it asks about, then creates, an empty name."""
    calls = Calls(sim)
    result = create(sim, domain="").result
    assert result == "Error creating the domain in SmarterMail: DOMAIN_ADD_ERROR_INVALID_NAME"
    assert [(method, path) for method, path, _ in calls.made()] == [
        ("POST", "auth/authenticate-user"),
        ("GET", "settings/sysadmin/domain/"),
        ("POST", "settings/sysadmin/domain-put"),
    ]
    assert calls.made()[1][2] != 200 and sim.state()["domains"] == []


def test_create_with_a_wrong_sysadmin_password_stops_at_the_login(sim: RunningSimulator) -> None:
    calls = Calls(sim)
    result = create(sim, serverpassword="wrong").result
    assert result.startswith("The email service cannot be reached")
    assert calls.paths() == ["auth/authenticate-user"] and sim.state()["domains"] == []


# ---------------------------------------------------------------- Create: the hidden admin's name
def hosting_credentials(database: WhmcsDatabase) -> tuple[str, str]:
    with database.connect(autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT username, password FROM tblhosting WHERE id = %s", (SERVICE_ID,))
        row = cursor.fetchone()
    assert row is not None
    return row["username"], row["password"]


@pytest.fixture
def service_row(whmcs_database: WhmcsDatabase) -> WhmcsDatabase:
    """The service Create runs for, as WHMCS stored it before the call (username and password as given)."""
    with whmcs_database.connect(autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tblhosting (id, userid, orderid, packageid, server, regdate, domain, paymentmethod,"
            " billingcycle, nextinvoicedate, domainstatus, username, password, notes, subscriptionid,"
            " promoid, suspendreason, overideautosuspend, overidesuspenduntil, dedicatedip, assignedips,"
            " ns1, ns2) VALUES (%s, 1, 1, 1, 1, CURDATE(), %s, 'mailin', 'Monthly', CURDATE(), 'Pending',"
            " 'as-ordered', 'as-ordered', '', '', 0, '', 0, '0000-00-00', '', '', '', '')",
            (SERVICE_ID, DOMAIN),
        )
    return whmcs_database


@pytest.mark.parametrize(
    ("username", "password", "keeps_name", "keeps_password"),
    [
        ("", "", False, False),  # WHMCS left both empty
        ("shop", ADMIN_PASSWORD, False, True),  # a name under 8 characters; the password passes
        # WHMCS's own fill: the name is kept, the password (no symbol) is not
        ("shoptest", "Abc123def4", True, False),
    ],
)
def test_create_generates_what_the_module_rules_refuse_and_stores_it_on_the_service(
    sim: RunningSimulator,
    service_row: WhmcsDatabase,
    username: str,
    password: str,
    keeps_name: bool,
    keeps_password: bool,
) -> None:
    assert create(sim, service_row, username=username, password=password).result == "success"
    stored_user, stored_password = hosting_credentials(service_row)
    password_now = decrypt_for_test(stored_password)
    if keeps_name:
        assert stored_user == username
    else:
        assert re.fullmatch(r"[a-z]{10}", stored_user), stored_user
    if keeps_password:
        assert password_now == password
    else:
        assert re.fullmatch(r"[A-Za-z0-9!@#$%^&*\-_=+]{24}", password_now), password_now
    domain = domain_state(sim)
    assert domain is not None and domain["primaryAdmin"] == stored_user
    assert logs_in(sim, stored_user, password_now)


def test_create_leaves_the_service_alone_when_it_keeps_the_given_admin(
    sim: RunningSimulator, service_row: WhmcsDatabase
) -> None:
    assert create(sim, service_row).result == "success"
    assert hosting_credentials(service_row) == ("as-ordered", "as-ordered")


def test_create_only_logs_a_failed_write_of_the_generated_admin(sim: RunningSimulator) -> None:
    """Without a WHMCS database the update fails; the module logs it and the domain stays created."""
    run = create(sim, username="", password="")
    assert run.result == "success"
    assert any(
        f"could not store the domain admin of service #{SERVICE_ID}" in line for line in run.activity_log
    )
    assert domain_state(sim) is not None


# ------------------------------------------------------------------ Suspend, Unsuspend, Terminate
def is_enabled(sim: RunningSimulator) -> bool:
    with sim.client() as client:
        answer = client.get(SA + f"domain/{DOMAIN}", headers=bearer(login(client)["accessToken"]))
    return bool(answer.json()["domainData"]["isEnabled"])


def test_suspend_and_unsuspend_switch_the_domain_off_and_on(sim: RunningSimulator) -> None:
    assert create(sim).result == "success"
    calls = Calls(sim)
    assert run(sim, "SuspendAccount").result == "success"
    assert calls.made() == [
        ("POST", "auth/authenticate-user", 200),
        ("POST", f"settings/sysadmin/domain-settings/{DOMAIN}", 200),
    ]
    assert not is_enabled(sim)
    assert not logs_in(sim, ADMIN, ADMIN_PASSWORD)
    assert run(sim, "UnsuspendAccount").result == "success"
    assert is_enabled(sim)
    assert logs_in(sim, ADMIN, ADMIN_PASSWORD)


def test_suspend_and_unsuspend_report_smartermail_refusals(sim: RunningSimulator) -> None:
    assert run(sim, "SuspendAccount").result == "Error suspending account: DOMAIN_NOT_FOUND"
    assert run(sim, "UnsuspendAccount").result == "Error unsuspending account: DOMAIN_NOT_FOUND"
    assert run(sim, "SuspendAccount", serverpassword="wrong").result.startswith(
        "The email service cannot be reached"
    )


@pytest.mark.parametrize(("option8", "delete_files"), [("on", "true"), ("", "false"), ("yes", "false")])
def test_terminate_deletes_the_domain_its_files_only_when_option_8_is_on(
    sim: RunningSimulator, option8: str, delete_files: str
) -> None:
    assert create(sim).result == "success"
    calls = Calls(sim)
    assert run(sim, "TerminateAccount", configoption8=option8).result == "success"
    assert calls.made() == [
        ("POST", "auth/authenticate-user", 200),
        ("POST", f"settings/sysadmin/domain-delete/{DOMAIN}/{delete_files}", 200),
    ]
    assert domain_state(sim) is None
    assert sim.state()["deletions"] == [{"domain": DOMAIN, "deleteFiles": delete_files == "true"}]
    assert not logs_in(sim, ADMIN, ADMIN_PASSWORD)


def test_terminate_reports_an_unknown_domain(sim: RunningSimulator) -> None:
    assert run(sim, "TerminateAccount").result == "Error terminating account: DOMAIN_NOT_FOUND"


# ---------------------------------------------------------------------------------- module log
def test_every_api_call_goes_to_the_module_log_with_its_secrets_listed_for_masking(
    sim: RunningSimulator,
) -> None:
    calls = Calls(sim)
    run = create(sim)
    log = run.module_log
    assert [(e["module"], e["action"]) for e in log] == [
        ("smartermail", f"{method} {path}") for method, path, _ in calls.made()
    ]
    login_entry, _, put_entry = log[:3]
    assert "admin" in login_entry["request"] and login_entry["response"].startswith("HTTP 200\n")
    assert login_entry["processed"]["accessToken"] in login_entry["replaceVars"]
    assert "admin" in login_entry["replaceVars"]  # the sysadmin password of module_params
    assert ADMIN_PASSWORD in put_entry["replaceVars"]
    assert log[1]["response"].startswith("HTTP 404\n")


def test_the_module_runs_where_whmcs_logging_functions_are_missing(sim: RunningSimulator) -> None:
    created = run_for(sim, "smartermail_CreateAccount", params(sim), whmcs_logs=False)
    assert created.result == "success" and created.module_log == [] and created.activity_log == []
    assert run_for(sim, "smartermail_SuspendAccount", params(sim), whmcs_logs=False).result == "success"
