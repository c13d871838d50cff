"""verify_report: the JSON document, JUnit XML, redaction and the summary sentences."""

from __future__ import annotations

import json
import xml.dom.minidom
import xml.etree.ElementTree as ET

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import MASK
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckResult
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.report import (
    SCHEMA_VERSION,
    build_document,
    build_junit,
    failure_lines,
    redact_results,
    summary_line,
    target_names,
)

RESULTS = [
    CheckResult("dns", "mail1", "pass", "mail1.example.com resolves", "", 3, {"addresses": ["192.0.2.1"]}),
    CheckResult("port", "mail1", "fail", "TCP connect to mail1:443 timed out", "a firewall drops it", 5000),
    CheckResult("api", "mail1", "skip", "skipped: port check failed"),
    CheckResult("dns", "mail2", "pass", "ok", "", 1),
    CheckResult("tls", "mail2", "warn", "certificate expires in 9 days", "renew it", 20, {"days": 9}),
]


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - our own output


def test_document_counts_and_keeps_the_order() -> None:
    document = build_document(
        RESULTS, [{"name": "mail1"}, {"name": "mail2"}], tool_version="9.9", generated_at="T"
    )
    assert document["schema"] == SCHEMA_VERSION
    assert document["tool"] == {"name": "smartermail-whmcs verify", "version": "9.9"}
    assert document["ok"] is False
    assert document["summary"] == {"pass": 2, "warn": 1, "fail": 1, "skip": 1, "total": 5}
    assert [(c["target"], c["id"]) for c in document["checks"]] == [(r.target, r.id) for r in RESULTS]
    assert document["checks"][1]["hint"] == "a firewall drops it"
    assert document["checks"][1]["elapsed_ms"] == 5000
    assert document["generated_at"] == "T"
    json.dumps(document)  # serialisable as is


def test_document_without_details_or_targets() -> None:
    document = build_document(RESULTS[:1], include_details=False)
    assert "details" not in document["checks"][0]
    assert document["targets"] == [{"name": "mail1"}]
    assert document["ok"] is True and "generated_at" not in document


def test_junit_has_a_suite_per_target_and_a_case_per_check() -> None:
    root = parse(build_junit(RESULTS, timestamp="2026-01-01T00:00:00Z"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == (
        "5",
        "1",
        "1",
        "0",
    )
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "smartermail-whmcs verify: mail1",
        "smartermail-whmcs verify: mail2",
    ]
    first = suites[0]
    assert (first.get("tests"), first.get("failures"), first.get("skipped")) == ("3", "1", "1")
    assert first.get("time") == "5.003" and first.get("timestamp") == "2026-01-01T00:00:00Z"
    cases = {case.get("name"): case for case in first.findall("testcase")}
    failure = cases["port"].find("failure")
    assert failure is not None and failure.get("message") == "TCP connect to mail1:443 timed out"
    assert "hint: a firewall drops it" in (failure.text or "")
    assert cases["api"].find("skipped").get("message") == "skipped: port check failed"
    assert cases["dns"].get("classname") == "mail1" and cases["dns"].get("time") == "0.003"
    warn = suites[1].findall("testcase")[1]
    assert warn.find("failure") is None
    assert (warn.find("system-out").text or "").startswith("warning: certificate expires")
    assert "days: 9" in warn.find("system-out").text


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold() -> None:
    nasty = CheckResult("api", 'a<b>&"c"', "fail", "got <html> & \x00\x1b junk", "hint with ]]> inside")
    text = build_junit([nasty])
    root = parse(text)
    case = root.find("testsuite/testcase")
    assert case.get("classname") == 'a<b>&"c"'
    assert case.find("failure").get("message") == "got <html> & ?? junk"
    assert "]]>" in case.find("failure").text
    xml.dom.minidom.parseString(text)  # noqa: S318 - a second, stricter standard parser


def test_empty_results_still_make_valid_reports() -> None:
    assert parse(build_junit([])).get("tests") == "0"
    assert build_document([])["summary"]["total"] == 0


def test_redaction_masks_every_occurrence_everywhere() -> None:
    secret, longer = "hunter22", "hunter22-and-more"
    result = CheckResult(
        "credentials",
        "mail1",
        "fail",
        f"login as admin with {secret} refused",
        f"the password {longer} is wrong",
        1,
        {"nested": [{"value": secret}], secret: "key", "n": 5},
    )
    (clean,) = redact_results([result], [secret, longer, "ab", None])
    text = json.dumps(clean.to_dict())
    assert secret not in text and longer not in text
    assert clean.hint == f"the password {MASK} is wrong"  # the longer secret masked whole
    assert clean.details["n"] == 5
    assert result.summary.endswith("refused") and secret in result.summary  # the original is untouched


def test_redaction_ignores_secrets_too_short_to_mask_safely() -> None:
    result = CheckResult("dns", "t", "pass", "ab is a word", "")
    assert redact_results([result], ["ab"]) == [result]


def test_summary_and_failure_lines() -> None:
    assert summary_line(RESULTS) == "2 passed, 1 warning, 1 failed, 1 skipped (5 checks)"
    assert summary_line(RESULTS[:1]) == "1 passed, 0 warnings, 0 failed, 0 skipped (1 check)"
    assert failure_lines(RESULTS) == [
        "mail1/port: TCP connect to mail1:443 timed out (hint: a firewall drops it)"
    ]
    assert target_names(RESULTS) == ["mail1", "mail2"]


def test_the_module_version_is_a_target_property_in_json_and_junit() -> None:
    version = CheckResult(
        "module-version",
        "whmcs1",
        "pass",
        "module 1.2.0 (MetaData MODVersion 1.2.0, CHANGELOG.md release 1.2.0)",
        "",
        7,
        {"module_version": "1.2.0", "meta_version": "1.2.0", "changelog_version": "1.2.0"},
    )
    results = [*RESULTS, version]
    document = build_document(results)
    targets = {target["name"]: target for target in document["targets"]}
    assert targets["whmcs1"] == {"name": "whmcs1", "module_version": "1.2.0", "changelog_version": "1.2.0"}
    assert targets["mail1"] == {"name": "mail1"}

    root = parse(build_junit(results))
    suite = next(s for s in root.iter("testsuite") if s.get("name", "").endswith(": whmcs1"))
    assert next(iter(suite)).tag == "properties"  # before the test cases, as the JUnit schema wants
    assert {p.get("name"): p.get("value") for p in suite.iter("property")} == {
        "module_version": "1.2.0",
        "changelog_version": "1.2.0",
    }
    assert not list(
        next(s for s in root.iter("testsuite") if s.get("name", "").endswith(": mail1")).iter("property")
    )
