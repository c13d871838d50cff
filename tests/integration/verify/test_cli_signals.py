"""Ctrl-C (SIGINT) and SIGTERM during the canary: the run cancels, cleans up, exits 130 / 143.

The simulator runs with latency so that the canary is still busy when the signal arrives; the
test watches the simulator's request log and state to send it at the right moment.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
from fixtures.simulator import RunningSimulator, start_simulator
from fixtures.verify_cli import SECRET, USERNAME, server_args, start_verify

LATENCY_MS = 400


@pytest.fixture(scope="module")
def slow_sim() -> Iterator[RunningSimulator]:
    with start_simulator("--sysadmin", f"{USERNAME}:{SECRET}", "--latency-ms", str(LATENCY_MS)) as sim:
        yield sim


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise AssertionError(f"verify ended early: {process.communicate()}")
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the awaited moment never came")


def domain_put_seen(sim: RunningSimulator) -> bool:
    return any(r["path"].endswith("domain-put") for r in sim.state()["requests"])


def existence_probe_seen(sim: RunningSimulator) -> bool:
    """The canary's Create probes for its domain (GET sysadmin/domain/NAME); domain-put follows at once."""
    return any("sysadmin/domain/smw-canary-" in r["path"] for r in sim.state()["requests"])


def test_sigint_after_the_canary_created_its_domain_removes_it(slow_sim: RunningSimulator) -> None:
    slow_sim.reset()
    process = start_verify(*server_args(slow_sim), env={"SMARTERMAIL_PASSWORD": SECRET})
    wait_for(lambda: bool(slow_sim.state()["domains"]), process)
    created = slow_sim.state()["domains"][0]["name"]
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted by SIGINT" in err
    assert "cleanup:" in err and "removed" in err
    state = slow_sim.state()
    assert state["domains"] == []
    assert [d["domain"] for d in state["deletions"]] == [created]
    assert SECRET not in out + err and "Traceback" not in err


def test_sigterm_while_the_create_call_is_in_flight_leaves_no_domain(slow_sim: RunningSimulator) -> None:
    slow_sim.reset()
    process = start_verify(*server_args(slow_sim), env={"SMARTERMAIL_PASSWORD": SECRET})
    wait_for(lambda: existence_probe_seen(slow_sim), process)
    time.sleep(0.05)  # the canary's domain-put, sent right after the probe, is now waiting on the server
    assert not domain_put_seen(slow_sim)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert "interrupted by SIGTERM" in err
    state = slow_sim.state()
    assert domain_put_seen(slow_sim), "the signal arrived before the canary's create"
    assert state["domains"] == []
    assert len(state["deletions"]) == 1
    assert SECRET not in out + err and "Traceback" not in err


def test_a_second_sigint_does_not_abandon_the_cleanup(slow_sim: RunningSimulator) -> None:
    slow_sim.reset()
    process = start_verify(*server_args(slow_sim), env={"SMARTERMAIL_PASSWORD": SECRET})
    wait_for(lambda: bool(slow_sim.state()["domains"]), process)
    process.send_signal(signal.SIGINT)
    time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "still cleaning up" in err
    assert slow_sim.state()["domains"] == []
