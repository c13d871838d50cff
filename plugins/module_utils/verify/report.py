# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify reports as pure functions of the results: the JSON document and JUnit XML.

The CLI and the Ansible module build the same document. ``redact_results`` runs first in both,
so a secret that slipped into a check's text is masked before any reporter sees it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import (
    mask_value,
    usable_secrets,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    PASS,
    SKIP,
    WARN,
    CheckResult,
    summarize,
)

SCHEMA_VERSION = 1
TOOL_NAME = "smartermail-whmcs verify"
# Characters XML 1.0 cannot carry at all (a server's garbage must not break the JUnit file).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def redact_results(results: Iterable[CheckResult], secrets: Iterable[Optional[str]]) -> List[CheckResult]:
    """The results with every occurrence of any secret (passwords) masked in text and details."""
    usable = usable_secrets(secrets)
    if not usable:
        return list(results)
    return [
        replace(
            result,
            target=mask_value(result.target, usable),
            summary=mask_value(result.summary, usable),
            hint=mask_value(result.hint, usable),
            details=mask_value(dict(result.details), usable),
        )
        for result in results
    ]


def target_names(results: Iterable[CheckResult]) -> List[str]:
    """Target names in the order they first appear in the results."""
    names: List[str] = []
    for result in results:
        if result.target not in names:
            names.append(result.target)
    return names


def summary_line(results: Sequence[CheckResult]) -> str:
    """'12 passed, 1 warning, 1 failed, 2 skipped (16 checks)'."""
    counts = summarize(results)
    return "%d passed, %d warning%s, %d failed, %d skipped (%d check%s)" % (
        counts[PASS],
        counts[WARN],
        "" if counts[WARN] == 1 else "s",
        counts[FAIL],
        counts[SKIP],
        counts["total"],
        "" if counts["total"] == 1 else "s",
    )


def check_lines(results: Iterable[CheckResult], status: str) -> List[str]:
    """One line per check with ``status``: 'target/id: summary (hint: ...)'."""
    lines = []
    for result in results:
        if result.status == status:
            line = "%s/%s: %s" % (result.target, result.id, result.summary)
            if result.hint:
                line += " (hint: %s)" % result.hint
            lines.append(line)
    return lines


def failure_lines(results: Iterable[CheckResult]) -> List[str]:
    """One line per failed check: 'target/id: summary (hint: ...)'."""
    return check_lines(results, FAIL)


# The installed module's version, shown per target in the JSON targets and JUnit <properties>.
MODULE_VERSION_CHECK = "module-version"
VERSION_PROPERTIES = ("module_version", "changelog_version")


def target_versions(results: Iterable[CheckResult], target: str) -> Dict[str, Optional[str]]:
    """module_version / changelog_version of ``target`` from its module-version check ({} without it)."""
    for result in results:
        if result.target == target and result.id == MODULE_VERSION_CHECK:
            return {key: result.details.get(key) for key in VERSION_PROPERTIES}
    return {}


def build_document(
    results: Sequence[CheckResult],
    targets: Iterable[Mapping[str, Any]] = (),
    tool_version: str = "",
    generated_at: Optional[str] = None,
    include_details: bool = True,
) -> Dict[str, Any]:
    """The JSON report (schema 1) as a dict; ``targets`` are public_target() dicts."""
    counts = summarize(results)
    checks = []
    for result in results:
        item = result.to_dict()
        if not include_details:
            item.pop("details", None)
        checks.append(item)
    listed = [dict(target) for target in targets] or [{"name": name} for name in target_names(results)]
    for target in listed:
        target.update(target_versions(results, str(target.get("name"))))
    document: Dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "ok": counts["ok"],
        "summary": {key: counts[key] for key in (PASS, WARN, FAIL, SKIP, "total")},
        "targets": listed,
        "checks": checks,
    }
    if generated_at is not None:
        document["generated_at"] = generated_at
    return document


def _xml_text(value: Any) -> str:
    return _XML_ILLEGAL.sub("?", "%s" % (value,))


def _seconds(elapsed_ms: Any) -> str:
    return "%.3f" % (max(0, int(elapsed_ms)) / 1000.0)


def _case_body(result: CheckResult, include_details: bool) -> str:
    lines = [result.summary]
    if result.hint:
        lines.append("hint: %s" % result.hint)
    if include_details:
        for key in sorted(result.details):
            value = result.details[key]
            lines.append(
                "%s: %s" % (key, value if isinstance(value, str) else json.dumps(value, default=str))
            )
    return _xml_text("\n".join(lines))


def build_junit(
    results: Sequence[CheckResult],
    suite_prefix: str = TOOL_NAME,
    timestamp: Optional[str] = None,
    include_details: bool = True,
) -> str:
    """JUnit XML text: one <testsuite> per target, one <testcase> per check.

    fail → <failure>, skip → <skipped>, warn → a passing case whose <system-out> says "warning".
    """
    root = ET.Element("testsuites", name=_xml_text(suite_prefix))
    totals = {"tests": 0, "failures": 0, "skipped": 0, "time": 0}
    for target in target_names(results):
        cases = [result for result in results if result.target == target]
        suite = ET.SubElement(root, "testsuite", name=_xml_text("%s: %s" % (suite_prefix, target)))
        elapsed = sum(max(0, int(result.elapsed_ms)) for result in cases)
        counts = {
            "tests": len(cases),
            "failures": sum(1 for result in cases if result.status == FAIL),
            "errors": 0,
            "skipped": sum(1 for result in cases if result.status == SKIP),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
        suite.set("time", _seconds(elapsed))
        if timestamp:
            suite.set("timestamp", timestamp)
        versions = target_versions(cases, target)
        if versions:
            properties = ET.SubElement(suite, "properties")
            for name, version in versions.items():
                ET.SubElement(properties, "property", name=name, value=_xml_text(version or ""))
        for result in cases:
            case = ET.SubElement(
                suite,
                "testcase",
                name=_xml_text(result.id),
                classname=_xml_text(target),
                time=_seconds(result.elapsed_ms),
            )
            if result.status == FAIL:
                failure = ET.SubElement(case, "failure", message=_xml_text(result.summary), type="fail")
                failure.text = _case_body(result, include_details)
            elif result.status == SKIP:
                ET.SubElement(case, "skipped", message=_xml_text(result.summary))
            else:
                out = ET.SubElement(case, "system-out")
                prefix = "warning: " if result.status == WARN else ""
                out.text = prefix + _case_body(result, include_details)
        for key in ("tests", "failures", "skipped"):
            totals[key] += counts[key]
        totals["time"] += elapsed
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", _seconds(totals["time"]))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
