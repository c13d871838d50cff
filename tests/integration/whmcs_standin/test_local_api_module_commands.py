"""localAPI Module* actions on the sandbox's WHMCS stand-in, through real php and MariaDB.

The recorder test module records the $params of each call and the hooks record the hook points
fired, so each test checks what the module received, what WHMCS's tables say afterwards, the
activity log lines and the hook order (docs/whmcs-standin-facts.md (e)).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_decrypt
from fixtures.standin import StandinHost, add_product, install_module, set_setting, standin_host

pytestmark = pytest.mark.slow

FIXTURES_PHP = Path(__file__).parents[2] / "fixtures" / "php" / "modules" / "servers"


@pytest.fixture(scope="module")
def host() -> Iterator[StandinHost]:
    with standin_host() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_recorder(host: StandinHost) -> None:
    host.recorder.reset()


def _php_today() -> str:
    return subprocess.run(
        ["php", "-r", "echo date('Y-m-d');"], capture_output=True, text=True, check=True
    ).stdout


def _password(host: StandinHost, service_id: int) -> str:
    key = read_whmcs_config(host.root).cc_encryption_hash
    return whmcs_decrypt(host.service(service_id)["password"], key)


def test_create_fills_username_and_password_and_passes_whmcs_params(host: StandinHost) -> None:
    product = host.product(configoptions={1: "gold", 2: "50"})
    placed = host.order(product, "Shop-42.Example.test")
    service_id = int(placed["serviceids"])
    host.recorder.reset()  # forget the order's hooks
    answer = host.api("ModuleCreate", {"serviceid": service_id})
    assert answer == {"result": "success"}
    service = host.service(service_id)
    assert service["domainstatus"] == "Active"
    assert service["username"] == "shopexam"  # letters of the domain, lower case, first 8
    password = _password(host, service_id)
    assert len(password) == 10 and password.isalnum()
    assert any(c.isdigit() for c in password) and any(c.isupper() for c in password)
    [call] = host.recorder.calls()
    params = call["params"]
    assert call["function"] == "CreateAccount"
    assert params["serviceid"] == service_id and params["userid"] == placed["clientid"]
    assert params["pid"] == product and params["domain"] == "Shop-42.Example.test"
    assert params["username"] == "shopexam" and params["password"] == password
    assert params["configoption1"] == "gold" and params["configoption2"] == "50"
    assert params["configoption24"] == "" and params["action"] == "create"
    assert params["moduletype"] == "recorder" and params["serverid"] == host.server_id
    assert params["serverusername"] == "admin" and params["serverpassword"] == "server-secret"
    assert params["serversecure"] is False and params["serverport"] == "8080"  # MetaData DefaultNonSSLPort
    assert params["clientsdetails"]["firstname"] == "Ada"
    assert host.recorder.hook_names() == [
        "OverrideModuleUsernameGeneration",
        "PreModuleCreate",
        "AfterModuleCreate",
    ]
    assert host.recorder.hooks()[1]["vars"]["params"]["username"] == "shopexam"
    assert host.activity(f"Module Create % - Service ID: {service_id}") == [
        f"Module Create Successful - Service ID: {service_id}"
    ]


def test_taken_username_gets_a_digit_suffix(host: StandinHost) -> None:
    product = host.product()
    first = host.active_service("clash.test", product)
    second = host.active_service("clash.test", product)
    third = host.active_service("clash.test", product)
    assert [host.service(s)["username"] for s in (first, second, third)] == [
        "clashtes",
        "clashte1",
        "clashte2",
    ]


def test_username_hook_and_random_usernames(host: StandinHost) -> None:
    host.recorder.control(username="fromhook")
    hooked = host.active_service("hooked.test")
    assert host.service(hooked)["username"] == "fromhook"
    host.recorder.control()
    set_setting(host.sandbox, "GenerateRandomUsername", "on")
    try:
        random_one = host.active_service("random.test")
    finally:
        set_setting(host.sandbox, "GenerateRandomUsername", "")
    username = host.service(random_one)["username"]
    assert len(username) == 8 and username.isalpha() and username.islower() and username != "randomte"


def test_existing_credentials_are_kept_and_metadata_can_turn_generation_off(host: StandinHost) -> None:
    placed = host.order(host.product(), "kept.test")
    accepted = host.api(
        "AcceptOrder",
        {
            "orderid": placed["orderid"],
            "autosetup": True,
            "serviceusername": "chosen",
            "servicepassword": "Pw-123",
        },
    )
    assert accepted == {"result": "success"}
    [call] = host.recorder.calls()
    assert (call["params"]["username"], call["params"]["password"]) == ("chosen", "Pw-123")
    host.recorder.reset()
    host.recorder.control(MetaData={"AutoGenerateUsernameAndPassword": False})
    service_id = int(host.order(host.product(), "nogen.test")["serviceids"])
    assert host.api("ModuleCreate", {"serviceid": service_id}) == {"result": "success"}
    assert host.service(service_id)["username"] == "" and host.service(service_id)["password"] == ""


def test_create_failure_returns_the_module_text_and_fires_the_failed_hook(host: StandinHost) -> None:
    service_id = int(host.order(host.product(), "fails.test")["serviceids"])
    host.recorder.control(CreateAccount="Quota exceeded on server")
    answer = host.api("ModuleCreate", {"serviceid": service_id})
    assert answer == {"result": "error", "message": "Quota exceeded on server"}
    assert host.service(service_id)["domainstatus"] == "Pending"
    assert host.recorder.hook_names()[-2:] == ["PreModuleCreate", "AfterModuleCreateFailed"]
    failed = host.recorder.hooks()[-1]["vars"]
    assert failed["failureResponseMessage"] == "Quota exceeded on server"
    assert failed["params"]["serviceid"] == service_id
    assert host.activity(f"Module Create % - Service ID: {service_id}%") == [
        f"Module Create Failed - Service ID: {service_id} - Error: Quota exceeded on server"
    ]


def test_an_exception_in_the_module_becomes_the_error_message(host: StandinHost) -> None:
    service_id = int(host.order(host.product(), "throws.test")["serviceids"])
    host.recorder.control(CreateAccount={"throw": "API unreachable"})
    assert host.api("ModuleCreate", {"serviceid": service_id}) == {
        "result": "error",
        "message": "API unreachable",
    }


def test_pre_hook_can_abort_or_change_parameters(host: StandinHost) -> None:
    service_id = int(host.order(host.product(), "abort.test")["serviceids"])
    host.recorder.control(abort="PreModuleCreate")
    answer = host.api("ModuleCreate", {"serviceid": service_id})
    assert answer == {"result": "error", "message": "Function Aborted by Action Hook Code"}
    assert host.recorder.calls() == []
    assert "AfterModuleCreateFailed" not in host.recorder.hook_names()
    host.recorder.reset()
    host.recorder.control(override={"PreModuleCreate": {"configoption1": "from-hook"}})
    assert host.api("ModuleCreate", {"serviceid": service_id}) == {"result": "success"}
    assert host.recorder.calls()[0]["params"]["configoption1"] == "from-hook"


def test_suspend_with_default_and_custom_reason_then_unsuspend(host: StandinHost) -> None:
    service_id = host.active_service("suspend.test")
    host.recorder.reset()
    assert host.api("ModuleSuspend", {"serviceid": service_id}) == {"result": "success"}
    service = host.service(service_id)
    assert service["domainstatus"] == "Suspended" and service["suspendreason"] == ""
    assert host.recorder.calls()[0]["params"]["suspendreason"] == "Overdue on Payment"
    assert host.recorder.calls()[0]["params"]["action"] == "suspend"
    assert host.api("ModuleSuspend", {"serviceid": service_id, "suspendreason": "Abuse"}) == {
        "result": "success"
    }
    assert host.service(service_id)["suspendreason"] == "Abuse"
    assert host.api("ModuleUnsuspend", {"accountid": service_id}) == {"result": "success"}  # pre-7.7 name
    service = host.service(service_id)
    assert service["domainstatus"] == "Active" and service["suspendreason"] == ""
    assert host.activity(f"Module %suspend% - Service ID: {service_id}") == [
        f"Module Suspend Successful - Service ID: {service_id}",
        f"Module Suspend Successful - Reason: Abuse - Service ID: {service_id}",
        f"Module Unsuspend Successful - Service ID: {service_id}",
    ]
    assert host.recorder.hook_names() == [
        "PreModuleSuspend",
        "AfterModuleSuspend",
        "PreModuleSuspend",
        "AfterModuleSuspend",
        "PreModuleUnsuspend",
        "AfterModuleUnsuspend",
    ]


def test_terminate_sets_the_termination_date(host: StandinHost) -> None:
    service_id = host.active_service("terminate.test")
    assert host.api("ModuleTerminate", {"serviceid": service_id}) == {"result": "success"}
    service = host.service(service_id)
    assert service["domainstatus"] == "Terminated"
    assert str(service["termination_date"]) == _php_today()
    assert host.recorder.calls()[-1]["function"] == "TerminateAccount"
    assert host.recorder.hook_names()[-1] == "AfterModuleTerminate"


def test_change_password_stores_it_first_and_restores_it_when_the_module_fails(host: StandinHost) -> None:
    service_id = host.active_service("password.test")
    old = _password(host, service_id)
    host.recorder.reset()
    assert host.api("ModuleChangePw", {"serviceid": service_id, "servicepassword": "New-Pass-1"}) == {
        "result": "success"
    }
    assert _password(host, service_id) == "New-Pass-1"
    [call] = host.recorder.calls()
    assert call["function"] == "ChangePassword" and call["params"]["password"] == "New-Pass-1"
    after = host.recorder.hooks()[-1]
    assert after["hook"] == "AfterModuleChangePassword"
    assert (after["vars"]["serviceid"], after["vars"]["oldpassword"], after["vars"]["newpassword"]) == (
        service_id,
        old,
        "New-Pass-1",
    )
    host.recorder.control(ChangePassword="Password too weak")
    answer = host.api("ModuleChangePw", {"serviceid": service_id, "servicepassword": "weak"})
    assert answer == {"result": "error", "message": "Password too weak"}
    assert _password(host, service_id) == "New-Pass-1"
    assert host.recorder.calls()[-1]["params"]["password"] == "weak"
    assert host.activity(f"Module Change Password % - Service ID: {service_id}%") == [
        f"Module Change Password Successful - Service ID: {service_id}",
        f"Module Change Password Failed - Service ID: {service_id} - Error: Password too weak",
    ]


def test_change_package_runs_the_module(host: StandinHost) -> None:
    service_id = host.active_service("package.test")
    assert host.api("ModuleChangePackage", {"serviceid": service_id}) == {"result": "success"}
    assert host.recorder.calls()[-1]["function"] == "ChangePackage"
    assert host.recorder.calls()[-1]["params"]["action"] == "upgrade"
    assert host.activity(f"Module Change Package % - Service ID: {service_id}") == [
        f"Module Change Package Successful - Service ID: {service_id}"
    ]


@pytest.mark.parametrize(
    "action", ["ModuleCreate", "ModuleSuspend", "ModuleUnsuspend", "ModuleTerminate", "ModuleChangePw"]
)
def test_service_id_errors(host: StandinHost, action: str) -> None:
    assert host.api(action, {}) == {"result": "error", "message": "Service ID is required"}
    assert host.api(action, {"serviceid": 999999}) == {"result": "error", "message": "Service ID not found"}


def test_a_service_without_module_and_a_missing_or_partial_module(host: StandinHost) -> None:
    plain = int(host.order(add_product(host.sandbox, ""), "nomodule.test")["serviceids"])
    assert host.api("ModuleCreate", {"serviceid": plain}) == {
        "result": "error",
        "message": "Service not assigned to a module",
    }
    ghost = int(host.order(add_product(host.sandbox, "ghost"), "ghost.test")["serviceids"])
    assert host.api("ModuleTerminate", {"serviceid": ghost}) == {
        "result": "error",
        "message": "Module Not Found",
    }
    assert host.activity("Required Product Module 'ghost' Missing")
    install_module(host.root, FIXTURES_PHP / "bare", "bare")
    bare = int(host.order(add_product(host.sandbox, "bare"), "bare.test")["serviceids"])
    assert host.api("ModuleCreate", {"serviceid": bare}) == {"result": "success"}
    assert host.api("ModuleSuspend", {"serviceid": bare}) == {
        "result": "error",
        "message": "Function Not Supported by Module",
    }
    assert host.service(bare)["domainstatus"] == "Active"
    assert host.activity(
        f"Module Suspend Failed - Service ID: {bare} - Error: Function Not Supported by Module"
    )


def test_unknown_command_is_refused(host: StandinHost) -> None:
    assert host.api("ModuleReboot", {"serviceid": 1}) == {"result": "error", "message": "Command Not Found"}
