"""The demo's last act on the test order: suspend, unsuspend and terminate the service through localAPI.

Each step is WHMCS's own module command (ModuleSuspend, ModuleUnsuspend, ModuleTerminate: the
module's SuspendAccount, UnsuspendAccount, TerminateAccount against the simulator), then what
WHMCS recorded (GetClientsProducts: the service status) and what the simulator holds (the domain
enabled, disabled or gone).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from smartermail_whmcs.errors import StageError
from smartermail_whmcs.sandbox.local_api import LocalApiError, call_local_api
from smartermail_whmcs.sandbox.orders import PlacedOrder, simulator_domain
from smartermail_whmcs.sandbox.state import SandboxState

COMMANDS = ("ModuleSuspend", "ModuleUnsuspend", "ModuleTerminate")
# What each command must leave behind: (WHMCS service status, simulator domain state).
EXPECTED = {
    "ModuleSuspend": ("Suspended", "disabled"),
    "ModuleUnsuspend": ("Active", "enabled"),
    "ModuleTerminate": ("Terminated", "gone"),
}


@dataclass(frozen=True)
class LifecycleStep:
    command: str
    service_status: str
    domain_state: str  # "enabled", "disabled" or "gone"


def domain_state(state: SandboxState, domain: str) -> str:
    found = simulator_domain(state, domain)
    if found is None:
        return "gone"
    return "enabled" if found.get("isEnabled") else "disabled"


def service_status(root: Path, service_id: int) -> str:
    answer = call_local_api(root, "GetClientsProducts", {"serviceid": service_id})
    products = (answer.get("products") or {}).get("product") or []
    return str(products[0].get("status", "")) if products else "(no service)"


def run_lifecycle(state: SandboxState, order: PlacedOrder) -> list[LifecycleStep]:
    """Suspend, unsuspend, terminate; each step checked against what it must leave behind."""
    root = Path(next(host.whmcs_root for host in state.hosts if host.name == order.host))
    steps = []
    for command in COMMANDS:
        try:
            call_local_api(root, command, {"serviceid": order.service_id})
        except LocalApiError as error:
            raise StageError(f"{command} of service {order.service_id}: {error.api_message}") from error
        step = LifecycleStep(
            command, service_status(root, order.service_id), domain_state(state, order.domain)
        )
        if (step.service_status, step.domain_state) != EXPECTED[command]:
            want_status, want_domain = EXPECTED[command]
            raise StageError(
                f"{command} left service {order.service_id} {step.service_status} and {order.domain} "
                f"{step.domain_state} on the simulator (expected {want_status}, {want_domain})"
            )
        steps.append(step)
    return steps


def describe_lifecycle(order: PlacedOrder, steps: Iterable[LifecycleStep]) -> Iterator[str]:
    yield f"Service {order.service_id} ({order.domain}) through localAPI:"
    yield f"  {'command':<16} {'WHMCS service':<14} simulator"
    for step in steps:
        yield f"  {step.command:<16} {step.service_status:<14} {order.domain} {step.domain_state}"
