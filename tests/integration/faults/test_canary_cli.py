"""Fault suite, verify CLI: a simulator fault at a canary step (or on the whole API) through
``smartermail-whmcs verify``: exit code 1, the report names the fault and the step, no canary domain
is left on the server, and the next run passes (exit 0). A token expiring during verify's own reads
is refreshed (exit 0); during one of the module's calls it fails, as it would fail the module.

verify/test_canary.py covers every step in-process; this file covers the CLI contract.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fixtures.simulator import RunningSimulator, simulator_fixtures
from fixtures.verify_cli import SECRET, run_verify, server_args

sim_process, sim = simulator_fixtures("--sysadmin", f"admin:{SECRET}")


def verify(sim: RunningSimulator, *args: str) -> Any:
    return run_verify(
        *server_args(sim),
        "--timeout",
        "1",
        "--connect-timeout",
        "2",
        *args,
        env={"SMARTERMAIL_PASSWORD": SECRET},
    )


def domains(sim: RunningSimulator) -> list[str]:
    return [domain["name"] for domain in sim.state()["domains"]]


@pytest.mark.parametrize(
    ("rule", "step", "phrase"),
    [
        ({"fault": "http-500", "path": "sysadmin/domain-put$"}, "create", "HTTP 500"),
        (
            {"fault": "success-false", "path": "sysadmin/domain-settings/"},
            "create",
            "the module would report success",
        ),
        ({"fault": "reset", "path": "sysadmin/manage-domain/"}, "impersonate", "connection"),
        (
            {"fault": "malformed-json", "method": "GET", "path": "sysadmin/domain/", "after": 1},
            "read",
            "JSON",
        ),
        (
            {"fault": "timeout", "method": "POST", "path": "sysadmin/domain-settings/", "after": 1},
            "suspend",
            "did not answer",
        ),
        ({"fault": "http-500", "path": "sysadmin/domain-delete/"}, "terminate", "HTTP 500"),
    ],
)
def test_a_fault_at_a_canary_step_exits_1_names_it_and_leaves_nothing(
    sim: RunningSimulator, rule: dict[str, Any], step: str, phrase: str
) -> None:
    sim.control("POST", "faults", {**rule, "count": 1}).raise_for_status()
    done = verify(sim, "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    report = json.loads(done.stdout)
    (canary,) = [check for check in report["checks"] if check["id"] == "canary"]
    assert canary["status"] == "fail"
    prefix = f"the module's default options: canary {step} step failed"
    assert canary["summary"].startswith(prefix), canary["summary"]
    assert phrase.lower() in canary["summary"].lower(), canary["summary"]
    (run,) = canary["details"]["runs"]
    assert run["failed_step"] == step and run["status"] == "fail"
    assert canary["details"]["left_behind"] is False
    assert domains(sim) == []
    again = verify(sim)
    assert again.returncode == 0, again.stdout + again.stderr
    assert domains(sim) == []


def test_a_token_expiring_during_our_reads_is_refreshed_and_passes(sim: RunningSimulator) -> None:
    """verify's own reads between the module's functions refresh an expired token and carry on."""
    rule = {"fault": "expired-token", "method": "GET", "path": "sysadmin/domain-settings/", "count": 1}
    sim.control("POST", "faults", rule).raise_for_status()
    done = verify(sim)
    assert done.returncode == 0, done.stdout + done.stderr
    state = sim.state()
    assert [r["fired"] for r in state["faults"]] == [1]
    assert any(r["path"].lower().endswith("auth/refresh-token") for r in state["requests"])
    assert state["domains"] == []


def test_a_token_expiring_during_a_module_call_fails_as_the_module_would(sim: RunningSimulator) -> None:
    """The module neither refreshes nor retries: a 401 on its Suspend call fails that Suspend."""
    rule = {"fault": "expired-token", "method": "POST", "path": "sysadmin/domain-settings/", "after": 1}
    sim.control("POST", "faults", {**rule, "count": 1}).raise_for_status()
    done = verify(sim, "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    (canary,) = [check for check in json.loads(done.stdout)["checks"] if check["id"] == "canary"]
    (run,) = canary["details"]["runs"]
    assert run["failed_step"] == "suspend"
    assert run["module_results"]["Suspend"] == "Error suspending account: TOKEN_EXPIRED"
    assert "HTTP 401" in canary["summary"]
    assert sim.state()["domains"] == []


@pytest.mark.parametrize(
    ("fault", "check", "phrase"),
    [("api-disabled", "api", "html"), ("http-500", "api", "HTTP 500"), ("reset", "api", "connection")],
)
def test_a_fault_on_every_api_call_fails_the_api_check_and_skips_the_canary(
    sim: RunningSimulator, fault: str, check: str, phrase: str
) -> None:
    sim.control("POST", "faults", {"fault": fault}).raise_for_status()
    done = verify(sim, "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks[check]["status"] == "fail"
    assert phrase.lower() in checks[check]["summary"].lower(), checks[check]["summary"]
    assert checks["canary"]["status"] == "skip"
    assert not [r for r in sim.state()["requests"] if "domain-put" in r["path"]]
    sim.control("DELETE", "faults").raise_for_status()
    assert verify(sim).returncode == 0
