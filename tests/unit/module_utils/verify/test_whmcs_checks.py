"""The WHMCS checks' registry: ids, dependencies and when they apply."""

from __future__ import annotations

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_checks import WHMCS_CHECKS


def test_registry_ids_dependencies_and_scope() -> None:
    specs = {spec.id: spec for spec in WHMCS_CHECKS}
    assert list(specs) == [
        "whmcs-version",
        "php-version",
        "module-files",
        "module-version",
        "hooks",
        "server",
        "product",
        "cron",
        "usage",
        "php-curl",
        "php-extensions",
        "opcache",
    ]
    assert specs["server"].requires == ("whmcs-version", "credentials")
    assert specs["usage"].requires == ("server",)
    assert all(
        "whmcs-version" in spec.requires
        for name, spec in specs.items()
        if name not in ("whmcs-version", "usage")
    )
    without_root = TargetContext("mail1", {"whmcs_root": None})
    assert not any(spec.applies(without_root) for spec in WHMCS_CHECKS)
    assert all(spec.applies(TargetContext("mail1", {"whmcs_root": "/srv/whmcs"})) for spec in WHMCS_CHECKS)
