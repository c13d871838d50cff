"""The domain itself, seen by its admin under /api/v1/settings/domain/: data and settings."""

from __future__ import annotations

from smartermail_whmcs.simulator.domain_settings import apply_settings
from smartermail_whmcs.simulator.envelope import Call, ok
from smartermail_whmcs.simulator.lookup import current_domain
from smartermail_whmcs.simulator.views import domain_data, domain_settings


def get_data(call: Call) -> dict[str, object]:
    return ok(domainData=domain_data(current_domain(call)))


def get_settings(call: Call) -> dict[str, object]:
    return ok(domainSettings=domain_settings(current_domain(call)))


def post_settings(call: Call) -> dict[str, object]:
    """Merge feature keys; limits, suspension and the sysadmin's switches are ignored (GUESS)."""
    apply_settings(current_domain(call), call.obj().get("domainSettings"), sysadmin=False)
    return ok()
