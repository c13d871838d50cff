"""Turn the deploy_summary callback's JSON into a short, readable account of each host's changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NAMES_SHOWN = 6  # longer path lists end with "+N more"
ROLE_PREFIX_SEPARATOR = " : "
ABSENT_STATES: tuple[Any, ...] = ({}, None, "", {"state": "absent"})
# whmcs_product's diff carries the ModuleHooks setting beside the product's own fields.
HOOKS_KEY = "module_hooks"


@dataclass
class HostReport:
    """What happened (or would happen) on one host."""

    name: str
    changes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unreachable: bool = False

    @property
    def status(self) -> str:
        if self.unreachable:
            return "unreachable"
        if self.failures:
            return "failed"
        return "changed" if self.changes else "unchanged"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "changes": self.changes,
            "failures": self.failures,
            "warnings": self.warnings,
        }


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:NAMES_SHOWN])
    more = len(paths) - NAMES_SHOWN
    return f"{shown}, +{more} more" if more > 0 else shown


def _short_task(event: dict[str, Any]) -> str:
    task = str(event.get("task") or event.get("module") or "task")
    return task.split(ROLE_PREFIX_SEPARATOR, 1)[-1]


def _module_files(event: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("added", "added"),
        ("changed_files", "changed"),
        ("removed", "removed"),
        ("fixed_attributes", "mode/owner fixed"),
    ):
        paths = event.get(key) or []
        if paths:
            parts.append(f"{len(paths)} {label} ({_names(paths)})")
    versions = module_version_change(event.get("module_version"))
    return (
        "module files: " + ("; ".join(parts) if parts else "changed") + (f"; {versions}" if versions else "")
    )


def _version_text(side: Any) -> str:
    return str(side.get("version") or "unknown") if isinstance(side, dict) else "none"


def module_version_change(versions: Any) -> str:
    """'module 1.1.0 → 1.2.0' from whmcs_module_files' module_version ('' when it has none)."""
    if not isinstance(versions, dict) or (versions.get("before") is None and versions.get("after") is None):
        return ""
    before = _version_text(versions.get("before"))
    if versions.get("after") is None:
        return f"module {before} → ? (read when the new files are unpacked, not in check mode)"
    after = _version_text(versions.get("after"))
    return f"module {after}" if before == after else f"module {before} → {after}"


def _opcache_reset(event: dict[str, Any]) -> str:
    how = {"url": "through smartermail_opcache_reset_url", "one_shot": "through a one-shot file"}
    return f"web server's OPcache reset {how.get(str(event.get('how')), '')}".rstrip()


def _server(event: dict[str, Any]) -> str:
    action = event.get("action") or "change"
    fields = event.get("changed_fields") or []
    detail = f" ({', '.join(fields)})" if fields and action == "update" else ""
    return f"server {event.get('item') or ''}: {action}{detail}".replace("server : ", "server: ")


def _changed_keys(before: Any, after: Any, prefix: str = "") -> list[str]:
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [prefix.rstrip(".")] if before != after else []
    keys: list[str] = []
    for key in sorted(set(before) | set(after)):
        keys += _changed_keys(before.get(key), after.get(key), f"{prefix}{key}.")
    return keys


def _split_hooks(state: Any) -> tuple[Any, Any]:
    """(the product's own part of a diff side, its ModuleHooks value): the setting rides along."""
    if not isinstance(state, dict) or HOOKS_KEY not in state:
        return state, None
    rest = {key: value for key, value in state.items() if key != HOOKS_KEY}
    return rest, state[HOOKS_KEY]


def _product(event: dict[str, Any]) -> str:
    diff = event.get("diff") or {}
    before, hooks_before = _split_hooks(diff.get("before"))
    after, hooks_after = _split_hooks(diff.get("after"))
    label = event.get("item") or ""
    hooks = (
        f"; ModuleHooks '{hooks_before or ''}' -> '{hooks_after or ''}'"
        if hooks_before != hooks_after
        else ""
    )
    if before in ABSENT_STATES:
        return f"product {label}: create{hooks}"
    if after in ABSENT_STATES:
        return f"product {label}: remove{hooks}"
    keys = _changed_keys(before, after)
    change = f"update ({', '.join(keys)})" if keys else "update"
    return f"product {label}: {change}{hooks}"


def _cron(event: dict[str, Any]) -> str:
    diff = event.get("diff") or {}
    before = set(str(diff.get("before") or "").splitlines())
    after = set(str(diff.get("after") or "").splitlines())
    added = sorted(line for line in after - before if line and not line.startswith("#"))
    removed = sorted(line for line in before - after if line and not line.startswith("#"))
    lines = [f"+ {line}" for line in added] + [f"- {line}" for line in removed]
    return "cron line: " + ("; ".join(lines) if lines else "changed")


def _setting(event: dict[str, Any]) -> str:
    diff = event.get("diff") or {}
    after = diff.get("after")
    if isinstance(after, dict) and after:
        return "setting " + ", ".join(f"{key} = {value}" for key, value in sorted(after.items()))
    return f"{_short_task(event)}: changed"


DESCRIBERS = {
    "astral360.smartermail.whmcs_module_files": _module_files,
    "astral360.smartermail.whmcs_server": _server,
    "astral360.smartermail.whmcs_product": _product,
    "astral360.smartermail.whmcs_setting": _setting,
    "astral360.smartermail.whmcs_cron": _cron,
    "astral360.smartermail.whmcs_opcache_reset": _opcache_reset,
}


def describe_change(event: dict[str, Any]) -> str:
    describer = DESCRIBERS.get(str(event.get("module")))
    return describer(event) if describer else f"{_short_task(event)}: changed"


def host_reports(document: dict[str, Any], check_mode: bool) -> list[HostReport]:
    """One report per host of the summary, in name order.

    Steps the playbook itself runs in check mode (preflight plans the products without writing)
    are not changes of a real run; in a dry run they repeat the plan of the step proper, so each
    distinct change is listed once.
    """
    reports = []
    for name, record in sorted((document.get("hosts") or {}).items()):
        report = HostReport(name)
        for event in record.get("events") or []:
            status = event.get("status")
            for warning in event.get("warnings") or []:
                if warning not in report.warnings:
                    report.warnings.append(warning)
            if status == "changed":
                if event.get("check_mode") and not check_mode:
                    continue
                change = describe_change(event)
                if change not in report.changes:
                    report.changes.append(change)
            elif status in ("failed", "unreachable"):
                item = f" [{event['item']}]" if event.get("item") else ""
                report.failures.append(f"{_short_task(event)}{item}: {event.get('msg') or status}")
                report.unreachable = report.unreachable or status == "unreachable"
        reports.append(report)
    return reports


def render(reports: list[HostReport], check_mode: bool) -> str:
    """The text deploy prints: a heading, then one block per host."""
    heading = "Planned changes (check mode: nothing was written)" if check_mode else "Changes made"
    lines = [heading]
    noun = "planned change" if check_mode else "change"
    for report in reports:
        if report.status == "unchanged":
            lines.append(f"{report.name}: no changes")
            lines += [f"  warning: {warning}" for warning in report.warnings]
            continue
        count = len(report.changes)
        status = f"{count} {noun}{'s' if count != 1 else ''}"
        if report.failures:
            status = f"{report.status.upper()} ({status} before the failure)"
        lines.append(f"{report.name}: {status}")
        lines += [f"  {change}" for change in report.changes]
        lines += [f"  failed: {failure}" for failure in report.failures]
        lines += [f"  warning: {warning}" for warning in report.warnings]
    return "\n".join(lines)
