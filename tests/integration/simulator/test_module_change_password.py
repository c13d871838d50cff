"""The fixture module's ChangePassword (real php, the module's calls) against the simulator over HTTP and HTTPS."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures.fixture_module import module_params, needs_php, run_for
from fixtures.simulator_api import (
    HIDDEN_ADMIN,
    HIDDEN_PASSWORD,
    LOGIN,
    Calls,
    DomainApi,
    domain_api_over_http_and_https,
)

pytestmark = needs_php
api = domain_api_over_http_and_https()
NEW_PASSWORD = "Brand-New-Pass-42!"


def logs_in(api: DomainApi, password: str) -> bool:
    answer = api.client.post(LOGIN, json={"username": api.email(HIDDEN_ADMIN), "password": password})
    return answer.status_code == 200


def change_password(api: DomainApi, **overrides: Any) -> str:
    params = module_params(api.sim, **{"username": HIDDEN_ADMIN, "password": NEW_PASSWORD, **overrides})
    return run_for(api.sim, "smartermail_ChangePassword", params).result


def test_change_password_makes_the_module_calls_and_the_new_password_works(api: DomainApi) -> None:
    calls = Calls(api.sim)
    assert change_password(api) == "success"
    assert calls.made() == [
        ("POST", "auth/authenticate-user", 200),
        ("POST", "settings/sysadmin/manage-domain/example.test", 200),
        ("POST", "settings/domain/post-user", 200),
    ]
    assert logs_in(api, NEW_PASSWORD) and not logs_in(api, HIDDEN_PASSWORD)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "Sh0rt!"}, "at least 8 characters"),
        ({"password": "nouppercase-42!"}, "upper-case letter"),
        ({"password": "No-Digits-Here!"}, "a digit"),
        ({"password": "NoSymbols4242"}, "one of !@#$%^&*-_=+"),
        ({"password": "Example-4242!"}, "must not contain"),  # the domain's first label
        ({"password": "  "}, "The new password cannot be empty."),
        ({"username": ""}, "Admin username not configured in WHMCS."),
        ({"configoption9": "20"}, "at least 20 characters"),
    ],
)
def test_the_module_own_rules_refuse_before_any_change(
    api: DomainApi, overrides: dict[str, Any], message: str
) -> None:
    calls = Calls(api.sim)
    assert message in change_password(api, **overrides)
    assert calls.paths() == ["auth/authenticate-user"]
    assert logs_in(api, HIDDEN_PASSWORD)


def test_the_server_password_policy_refusal_reaches_the_module_message(api: DomainApi) -> None:
    api.sim.control("POST", "config", json={"password_policy": {"min_length": 30}})
    assert change_password(api) == "Error changing password: USER_UPDATE_ERROR_PASSWORD_TOO_SHORT"
    assert logs_in(api, HIDDEN_PASSWORD)


def test_an_unknown_domain_and_a_wrong_sysadmin_password(api: DomainApi) -> None:
    assert change_password(api, domain="missing.test") == "Unable to access domain missing.test (HTTP 404)."
    refused = change_password(api, serverpassword="wrong")
    assert refused.startswith("The email service cannot be reached")
    assert "wrong" not in refused


def test_a_network_fault_is_a_module_error_not_a_success(api: DomainApi) -> None:
    api.sim.control("POST", "faults", json={"fault": "reset", "path": "post-user$", "count": 1})
    result = change_password(api)
    assert result.startswith("Error changing password: cURL network error:")
    assert logs_in(api, HIDDEN_PASSWORD)


def test_the_module_takes_200_with_success_false_for_a_success(api: DomainApi) -> None:
    """The module judges by the HTTP status only (module-api-calls.md 1): this fault fools it.

    The project's own client reports the same answer as a failure (tests/integration/client/test_faults.py).
    """
    api.sim.control("POST", "faults", json={"fault": "success-false", "path": "post-user$", "count": 1})
    assert change_password(api) == "success"
    assert logs_in(api, HIDDEN_PASSWORD) and not logs_in(api, NEW_PASSWORD)  # nothing changed
